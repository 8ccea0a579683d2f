"""Texts of sign-ins that survive a reload (the account page with its password change, the admin's
list) and of paired meeting screens (the TV's address and the leader's screen links)."""

DA = {
    "nav.account": "Min konto",
    "nav.account_section": "Konto",
    "account.title": "Min konto",
    "account.sessions": "Hvor du er logget ind",
    "account.sessions_help": "Hver browser, du har logget ind fra, og som ikke er logget ud endnu. "
                             "En session slutter efter {minutes} minutter uden brug og senest efter "
                             "{hours} timer.",
    "account.no_sessions": "Du er ikke logget ind andre steder.",
    "account.end_session": "Log denne session ud",
    "account.end_others": "Log ud alle andre steder",
    "account.ended": "Sessionen er logget ud.",
    "account.ended_others": "{n} andre sessioner er logget ud.",
    "account.this_browser": "denne browser",
    "session.col.username": "Bruger",
    "session.col.created_at": "Logget ind",
    "session.col.last_seen_at": "Sidst aktiv",
    "session.col.address": "Adresse",
    "session.col.user_agent": "Browser",
    "session.col.current": "Denne",
    "session.choose": "Session",
    "session.col.name": "Navn",
    "session.end": "Afslut session",
    "session.none_open": "Ingen er logget ind lige nu.",
    "session.all_heading": "Åbne sessioner",
    "session.all_help": "Alle browsere, der er logget ind lige nu, også parrede tv-skærme. En "
                        "afsluttet session er logget ud ved sit næste klik.",
    "account.password_heading": "Skift adgangskode",
    "account.password_help": "Skriv din nuværende adgangskode og den nye to gange (mindst {n} "
                             "tegn). Du bliver logget ind her og logget ud alle andre steder.",
    "account.current_password": "Nuværende adgangskode",
    "account.password_changed": "Din nye adgangskode er gemt. Du er logget ud alle andre steder.",
    "error.current_password_wrong": "Den nuværende adgangskode er forkert.",
    "screen_link.heading": "Skærmlink til tv",
    "screen_link.intro": "Et skærmlink viser et teams mødeskærm på et tv uden login og uden "
                         "tastatur. Tv'et kan kun se mødeskærmen og bliver ved med at vise den, "
                         "også efter en genstart, indtil linket tilbagekaldes.",
    "screen_link.team": "Team",
    "screen_link.sprint": "Sprint",
    "screen_link.running_sprint": "Teamets igangværende sprint",
    "screen_link.create": "Opret skærmlink",
    "screen_link.no_teams": "Der er ingen teams at vise på et tv endnu.",
    "screen_link.created": "Skærmlinket til {team} er oprettet. Åbn adressen i tv'ets browser, "
                           "eller scan QR-koden.",
    "screen_link.once": "Adressen vises kun nu: Jobtavlen gemmer den ikke. Del den ikke; den "
                        "giver adgang til mødeskærmen.",
    "screen_link.qr": "QR-kode med adressen",
    "screen_link.hide": "Skjul adressen",
    "screen_link.existing": "Aktive skærmlinks",
    "screen_link.none": "Ingen aktive skærmlinks.",
    "screen_link.row": "**{team}** · {sprint} · oprettet af {by} {at} · {screens} tv · {seen}",
    "screen_link.last_seen": "sidst åbnet {at}",
    "screen_link.never_seen": "ikke åbnet endnu",
    "screen_link.revoke": "Tilbagekald",
    "screen_link.revoked": "Skærmlinket til {team} er tilbagekaldt. Tv'et holder op med at vise "
                           "tavlen ved sin næste opdatering.",
    "screen_link.unknown_title": "Skærmadressen virker ikke",
    "screen_link.unknown": "Adressen er ukendt eller tilbagekaldt. Bed en leder om en ny.",
    "error.screen_sprint_team": "Sprinten hører ikke til det valgte team.",
}

EN = {
    "nav.account": "My account",
    "nav.account_section": "Account",
    "account.title": "My account",
    "account.sessions": "Where you are signed in",
    "account.sessions_help": "Every browser you signed in from that has not signed out yet. A "
                             "session ends after {minutes} minutes without use and at the latest "
                             "after {hours} hours.",
    "account.no_sessions": "You are not signed in anywhere else.",
    "account.end_session": "Sign this session out",
    "account.end_others": "Sign out everywhere else",
    "account.ended": "The session is signed out.",
    "account.ended_others": "{n} other sessions are signed out.",
    "account.this_browser": "this browser",
    "session.col.username": "User",
    "session.col.created_at": "Signed in",
    "session.col.last_seen_at": "Last active",
    "session.col.address": "Address",
    "session.col.user_agent": "Browser",
    "session.col.current": "This one",
    "session.choose": "Session",
    "session.col.name": "Name",
    "session.end": "End session",
    "session.none_open": "Nobody is signed in right now.",
    "session.all_heading": "Open sessions",
    "session.all_help": "Every browser signed in right now, paired TV screens included. An ended "
                        "session is signed out at its next click.",
    "account.password_heading": "Change password",
    "account.password_help": "Type your current password and the new one twice (at least {n} "
                             "characters). You stay signed in here and are signed out everywhere "
                             "else.",
    "account.current_password": "Current password",
    "account.password_changed": "Your new password is saved. You are signed out everywhere else.",
    "error.current_password_wrong": "The current password is wrong.",
    "screen_link.heading": "Screen link for a TV",
    "screen_link.intro": "A screen link shows a team's meeting screen on a TV without a login and "
                         "without a keyboard. The TV can only see the meeting screen and keeps "
                         "showing it, after a restart too, until the link is revoked.",
    "screen_link.team": "Team",
    "screen_link.sprint": "Sprint",
    "screen_link.running_sprint": "The team's running sprint",
    "screen_link.create": "Create screen link",
    "screen_link.no_teams": "There are no teams to show on a TV yet.",
    "screen_link.created": "The screen link for {team} is created. Open the address in the TV's "
                           "browser, or scan the QR code.",
    "screen_link.once": "The address is shown only now: Jobtavlen does not keep it. Do not share "
                        "it; it gives access to the meeting screen.",
    "screen_link.qr": "QR code with the address",
    "screen_link.hide": "Hide the address",
    "screen_link.existing": "Active screen links",
    "screen_link.none": "No active screen links.",
    "screen_link.row": "**{team}** · {sprint} · created by {by} {at} · {screens} TV · {seen}",
    "screen_link.last_seen": "last opened {at}",
    "screen_link.never_seen": "not opened yet",
    "screen_link.revoke": "Revoke",
    "screen_link.revoked": "The screen link for {team} is revoked. The TV stops showing the board "
                           "at its next refresh.",
    "screen_link.unknown_title": "The screen address does not work",
    "screen_link.unknown": "The address is unknown or revoked. Ask a leader for a new one.",
    "error.screen_sprint_team": "The sprint does not belong to the chosen team.",
}
