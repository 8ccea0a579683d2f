"""Texts of Company matching (virksomhedsmatch)."""

DA = {
    "matching.companies_heading": "Virksomheder der passer",
    "matching.companies_caption": "De virksomheder der passer bedst til {citizen}: hver grund giver "
                                  "point, og flest point står øverst.",
    "matching.citizens_heading": "Borgere der passer",
    "matching.citizens_caption": "Borgere uden igangværende forløb, hvis ønsker eller "
                                 "kvalifikationer passer til branchen.",
    "matching.card_button": "Virksomheder der passer",
    "matching.score": "{score} point",
    "matching.log_button": "Log kontakt om {citizen}",
    "matching.log_help": "Logger en telefonkontakt med {company} om {citizen}, i ét klik.",
    "matching.logged": "Kontakt logget: {company} om {citizen} (telefon, {date}). Udfald og næste "
                       "skridt kan tilføjes på virksomhedens profil.",
    "matching.none_companies": "Ingen virksomheder passer endnu. Tilføj ønsker og kvalifikationer "
                               "på borgeren eller brancher på virksomhederne.",
    "matching.none_citizens": "Ingen borgere uden forløb har ønsker eller kvalifikationer, der "
                              "passer til branchen.",
    "matching.reason_wish": "Branchen matcher ønsket: {tags}",
    "matching.reason_qualification": "Kvalifikation der bruges i branchen: {tags}",
    "matching.reason_agreement": "Har aftale med jobcentret ({agreement})",
    "matching.reason_housing_supplier": "Leverandør til boligorganisationerne",
    "matching.reason_job_result": "{n} tidligere forløb endte i job eller uddannelse",
    "matching.reason_job_result_one": "1 tidligere forløb endte i job eller uddannelse",
    "matching.reason_room": "Plads til flere i forløb ({taken} af {capacity})",
    "matching.reason_no_room": "Ingen ledig plads ({taken} af {capacity} i forløb)",
    "matching.reason_same_municipality": "Samme kommune: {municipality}",
    "matching.reason_recent_contact": "Kontaktet om borgeren for {days} dage siden",
    "matching.reason_recent_contact_today": "Kontaktet om borgeren i dag",
    "matching.reason_recent_contact_yesterday": "Kontaktet om borgeren i går",
}

EN = {
    "matching.companies_heading": "Companies that fit",
    "matching.companies_caption": "The companies that fit {citizen} best: each reason gives "
                                  "points, and the most points come first.",
    "matching.citizens_heading": "Citizens who fit",
    "matching.citizens_caption": "Citizens without a running placement whose wishes or "
                                 "qualifications fit the industry.",
    "matching.card_button": "Companies that fit",
    "matching.score": "{score} points",
    "matching.log_button": "Log contact about {citizen}",
    "matching.log_help": "Logs a phone contact with {company} about {citizen}, in one click.",
    "matching.logged": "Contact logged: {company} about {citizen} (phone, {date}). Outcome and "
                       "next step can be added on the company's profile.",
    "matching.none_companies": "No company fits yet. Add wishes and qualifications to the citizen "
                               "or industries to the companies.",
    "matching.none_citizens": "No citizen without a placement has wishes or qualifications that "
                              "fit the industry.",
    "matching.reason_wish": "The industry matches the wish: {tags}",
    "matching.reason_qualification": "Qualification used in the industry: {tags}",
    "matching.reason_agreement": "Has an agreement with the job centre ({agreement})",
    "matching.reason_housing_supplier": "Supplier to the housing organisations",
    "matching.reason_job_result": "{n} earlier placements ended in a job or education",
    "matching.reason_job_result_one": "1 earlier placement ended in a job or education",
    "matching.reason_room": "Room for more placements ({taken} of {capacity})",
    "matching.reason_no_room": "No free place ({taken} of {capacity} in placements)",
    "matching.reason_same_municipality": "Same municipality: {municipality}",
    "matching.reason_recent_contact": "Contacted about the citizen {days} days ago",
    "matching.reason_recent_contact_today": "Contacted about the citizen today",
    "matching.reason_recent_contact_yesterday": "Contacted about the citizen yesterday",
}
