"""Texts of sign-ins that survive a reload (the account page, the admin's list) and of paired
meeting screens."""

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
    "screen_link.unknown_title": "The screen address does not work",
    "screen_link.unknown": "The address is unknown or revoked. Ask a leader for a new one.",
    "error.screen_sprint_team": "The sprint does not belong to the chosen team.",
}
