"""Texts of No lost data and bad input."""

DA: dict[str, str] = {
    "error.stale_company": "Ændret af en anden, mens du så på virksomheden. Siden er genindlæst; ret igen og gem.",
    "error.stale_goal": "Ændret af en anden, mens du så på målet. Siden er genindlæst; ret igen og gem.",
    "error.text_not_text": "Feltet skal udfyldes med tekst.",
    "error.text_control_characters": "Teksten indeholder usynlige styretegn (ofte fra kopiering). Skriv den igen.",
    "error.text_markup": "Teksten må ikke indeholde HTML-koder eller tegnene < og >.",
    "error.text_too_long": "Teksten er for lang (højst {max} tegn).",
    "error.text_formula": "Teksten må ikke begynde med =, +, - eller @, da et regneark ville læse den som en formel.",
    "error.person_name_characters": "Et navn må kun indeholde bogstaver, mellemrum, bindestreg, punktum og apostrof og skal begynde med et bogstav.",
    "error.date_invalid": "Vælg en gyldig dato.",
    "error.date_out_of_range": "Datoen skal ligge mellem {low} og {high}.",
    "error.number_invalid": "Skriv et tal.",
    "error.whole_number_invalid": "Skriv et helt tal.",
    "error.hourly_wage_too_high": "Timelønnen kan højst være {high} kr.",
    "error.phone_invalid": "Et telefonnummer må kun have cifre, mellemrum og tegnene + ( ) . / -.",
    "data.error_mixed_encoding": "Filen blander tegnsæt (fx UTF-8 og Windows-1252), så æ, ø og å ville blive forkerte. Gem den igen som CSV (UTF-8) eller som Excel-fil.",
}

EN: dict[str, str] = {
    "error.stale_company": "Changed by someone else while you were looking at the company. The page is reloaded; make your change again and save.",
    "error.stale_goal": "Changed by someone else while you were looking at the goal. The page is reloaded; make your change again and save.",
    "error.text_not_text": "The field must be filled in with text.",
    "error.text_control_characters": "The text holds invisible control characters (often from copying). Type it again.",
    "error.text_markup": "The text may not hold HTML code or the characters < and >.",
    "error.text_too_long": "The text is too long (at most {max} characters).",
    "error.text_formula": "The text may not start with =, +, - or @, as a spreadsheet would read it as a formula.",
    "error.person_name_characters": "A name may only hold letters, spaces, hyphens, full stops and apostrophes, and must start with a letter.",
    "error.date_invalid": "Choose a valid date.",
    "error.date_out_of_range": "The date must lie between {low} and {high}.",
    "error.number_invalid": "Enter a number.",
    "error.whole_number_invalid": "Enter a whole number.",
    "error.hourly_wage_too_high": "The hourly wage can be at most {high} kr.",
    "error.phone_invalid": "A phone number may only hold digits, spaces and the characters + ( ) . / -.",
    "data.error_mixed_encoding": "The file mixes character sets (e.g. UTF-8 and Windows-1252), so æ, ø and å would come out wrong. Save it again as CSV (UTF-8) or as an Excel file.",
}
