// Texts in English and the seed's five languages; the browser's language list picks one.
// Dates and numbers go through Intl with the same locale, so a German page reads 24.12.2026.
const en = {
  appName: "Client book", skip: "Skip to content", loading: "Loading…",
  signIn: "Sign in", signInLocal: "Pick who you are (demo staff on this computer)",
  signInEntra: "Sign in with your work account", signOut: "Sign out",
  signedOutExpired: "Your sign-in is no longer valid. Please sign in again.",
  chooseStore: "Choose the store", myBook: "My client book", storeBook: "Store client book",
  findCustomers: "Find customers", customers: "{n} customers", oneCustomer: "1 customer",
  search: "Search", searchBook: "Search in the book", upcoming: "Birthdays and anniversaries",
  upcomingAny: "Any time", upcomingDays: "Within {n} days", clearFilters: "Clear filters",
  refine: "Refine", loadMore: "Show more", open: "Open", owner: "Owner", empty: "No customers here yet.",
  noHits: "No customer matches.", select: "Select {name}", colleague: "Colleague",
  reassign: "Reassign selected", remove: "Remove selected", selected: "{n} selected",
  reassigned: "Moved {n} customers to {name}.", removed: "Removed {n} customers.",
  addToBook: "Add to my book", added: "{name} is now in your client book.",
  inMyBook: "In your book", inColleagueBook: "In {owner}'s book", searchHint: "Name, email or phone (at least 2 characters)",
  details: "Details", email: "Email", phone: "Phone", birthday: "Birthday", anniversary: "Anniversary",
  addressBooks: "Address books", consent: "Contact consent", yes: "Yes", no: "No", notSet: "—",
  attributes: "Attributes", save: "Save", saved: "Saved.", edit: "Edit", cancel: "Cancel",
  changedElsewhere: "Changed by someone else, here is the new value: {values}. Your change was not saved; check it and save again.",
  timeline: "Timeline", noActivities: "No activities yet.", recordActivity: "Record an activity",
  activityType: "Type", subject: "Subject", description: "Description", recorded: "Activity recorded.",
  notes: "Notes", noNotes: "No notes yet.", newNote: "New note", addNote: "Save note", noteSaved: "Note saved.",
  history: "History", noHistory: "No earlier versions.", editedBy: "by {who}, replaced {when}",
  by: "{who} · {when}", measure: "Insights", insightsUnavailable: "Insights measures are unavailable right now.",
  followUps: "Follow-ups", outreach: "Messages", back: "Back",
  // problems in words
  pNetwork: "The service cannot be reached. Check the connection and try again.",
  pValidation: "Please check: {fields}", pForbidden: "You are not allowed to do this.",
  pForbiddenOperation: "You are not allowed to do this (missing permission: {operation}).",
  pNotFound: "This was not found. It may have been removed.",
  pInAnotherBook: "{customer} is already in {owner}'s client book ({book}). Ask {owner} or a store manager to reassign.",
  pErased: "This customer was erased and cannot be changed.",
  pConflict: "This could not be done because something changed meanwhile: {detail}",
  pBusy: "The service is busy. Please try again in {seconds} seconds.",
  pPaging: "The list changed its filters; it starts again from the top.",
  pNotConfigured: "Clienteling is not set up for this store yet. Ask headquarters.",
  pTooLarge: "That is too long to save.", pIdemReused: "This was already sent with different content. Please try again.",
  pGeneric: "Something went wrong: {detail}",
};
const de = {
  appName: "Kundenbuch", skip: "Zum Inhalt", loading: "Wird geladen…",
  signIn: "Anmelden", signInLocal: "Wählen Sie, wer Sie sind (Demo-Personal auf diesem Computer)",
  signInEntra: "Mit Ihrem Arbeitskonto anmelden", signOut: "Abmelden",
  signedOutExpired: "Ihre Anmeldung ist nicht mehr gültig. Bitte melden Sie sich erneut an.",
  chooseStore: "Filiale wählen", myBook: "Mein Kundenbuch", storeBook: "Kundenbuch der Filiale",
  findCustomers: "Kunden finden", customers: "{n} Kunden", oneCustomer: "1 Kunde",
  search: "Suchen", searchBook: "Im Kundenbuch suchen", upcoming: "Geburtstage und Jahrestage",
  upcomingAny: "Jederzeit", upcomingDays: "In den nächsten {n} Tagen", clearFilters: "Filter zurücksetzen",
  refine: "Eingrenzen", loadMore: "Mehr anzeigen", open: "Öffnen", owner: "Betreut von", empty: "Noch keine Kunden.",
  noHits: "Kein Kunde gefunden.", select: "{name} auswählen", colleague: "Kollegin oder Kollege",
  reassign: "Auswahl neu zuweisen", remove: "Auswahl entfernen", selected: "{n} ausgewählt",
  reassigned: "{n} Kunden an {name} übergeben.", removed: "{n} Kunden entfernt.",
  addToBook: "In mein Kundenbuch", added: "{name} ist jetzt in Ihrem Kundenbuch.",
  inMyBook: "In Ihrem Buch", inColleagueBook: "Im Buch von {owner}", searchHint: "Name, E-Mail oder Telefon (mindestens 2 Zeichen)",
  details: "Angaben", email: "E-Mail", phone: "Telefon", birthday: "Geburtstag", anniversary: "Jahrestag",
  addressBooks: "Adressbücher", consent: "Kontakt erlaubt", yes: "Ja", no: "Nein", notSet: "—",
  attributes: "Merkmale", save: "Speichern", saved: "Gespeichert.", edit: "Bearbeiten", cancel: "Abbrechen",
  changedElsewhere: "Von jemand anderem geändert, hier ist der neue Wert: {values}. Ihre Änderung wurde nicht gespeichert; prüfen und erneut speichern.",
  timeline: "Verlauf", noActivities: "Noch keine Aktivitäten.", recordActivity: "Aktivität erfassen",
  activityType: "Art", subject: "Betreff", description: "Beschreibung", recorded: "Aktivität erfasst.",
  notes: "Notizen", noNotes: "Noch keine Notizen.", newNote: "Neue Notiz", addNote: "Notiz speichern", noteSaved: "Notiz gespeichert.",
  history: "Verlauf der Notiz", noHistory: "Keine früheren Fassungen.", editedBy: "von {who}, ersetzt am {when}",
  by: "{who} · {when}", measure: "Insights", insightsUnavailable: "Insights-Kennzahlen sind gerade nicht verfügbar.",
  followUps: "Wiedervorlagen", outreach: "Nachrichten", back: "Zurück",
  pNetwork: "Der Dienst ist nicht erreichbar. Bitte Verbindung prüfen und erneut versuchen.",
  pValidation: "Bitte prüfen: {fields}", pForbidden: "Dafür fehlt Ihnen die Berechtigung.",
  pForbiddenOperation: "Dafür fehlt Ihnen die Berechtigung ({operation}).",
  pNotFound: "Nicht gefunden. Vielleicht wurde es entfernt.",
  pInAnotherBook: "{customer} ist bereits im Kundenbuch von {owner} ({book}). Bitten Sie {owner} oder die Filialleitung um eine Neuzuweisung.",
  pErased: "Dieser Kunde wurde gelöscht und kann nicht geändert werden.",
  pConflict: "Das ging nicht, weil sich inzwischen etwas geändert hat: {detail}",
  pBusy: "Der Dienst ist ausgelastet. Bitte in {seconds} Sekunden erneut versuchen.",
  pPaging: "Die Liste hat neue Filter; sie beginnt wieder oben.",
  pNotConfigured: "Clienteling ist für diese Filiale noch nicht eingerichtet. Bitte die Zentrale fragen.",
  pTooLarge: "Das ist zu lang zum Speichern.", pIdemReused: "Das wurde schon mit anderem Inhalt gesendet. Bitte erneut versuchen.",
  pGeneric: "Etwas ist schiefgegangen: {detail}",
};
const nb = {
  appName: "Kundebok", skip: "Gå til innhold", loading: "Laster…",
  signIn: "Logg inn", signInLocal: "Velg hvem du er (demoansatte på denne datamaskinen)",
  signInEntra: "Logg inn med jobbkontoen", signOut: "Logg ut",
  signedOutExpired: "Innloggingen er ikke lenger gyldig. Logg inn på nytt.",
  chooseStore: "Velg butikk", myBook: "Min kundebok", storeBook: "Butikkens kundebok",
  findCustomers: "Finn kunder", customers: "{n} kunder", oneCustomer: "1 kunde",
  search: "Søk", searchBook: "Søk i kundeboken", upcoming: "Bursdager og merkedager",
  upcomingAny: "Når som helst", upcomingDays: "Innen {n} dager", clearFilters: "Nullstill filtre",
  refine: "Avgrens", loadMore: "Vis flere", open: "Åpne", owner: "Eier", empty: "Ingen kunder ennå.",
  noHits: "Ingen kunder passer.", select: "Velg {name}", colleague: "Kollega",
  reassign: "Flytt valgte", remove: "Fjern valgte", selected: "{n} valgt",
  reassigned: "Flyttet {n} kunder til {name}.", removed: "Fjernet {n} kunder.",
  addToBook: "Legg til i min bok", added: "{name} er nå i kundeboken din.",
  inMyBook: "I din bok", inColleagueBook: "I boken til {owner}", searchHint: "Navn, e-post eller telefon (minst 2 tegn)",
  details: "Detaljer", email: "E-post", phone: "Telefon", birthday: "Bursdag", anniversary: "Merkedag",
  addressBooks: "Adressebøker", consent: "Samtykke til kontakt", yes: "Ja", no: "Nei", notSet: "—",
  attributes: "Egenskaper", save: "Lagre", saved: "Lagret.", edit: "Rediger", cancel: "Avbryt",
  changedElsewhere: "Endret av noen andre, her er den nye verdien: {values}. Endringen din ble ikke lagret; sjekk og lagre igjen.",
  timeline: "Tidslinje", noActivities: "Ingen aktiviteter ennå.", recordActivity: "Registrer en aktivitet",
  activityType: "Type", subject: "Emne", description: "Beskrivelse", recorded: "Aktiviteten er registrert.",
  notes: "Notater", noNotes: "Ingen notater ennå.", newNote: "Nytt notat", addNote: "Lagre notat", noteSaved: "Notatet er lagret.",
  history: "Historikk", noHistory: "Ingen tidligere versjoner.", editedBy: "av {who}, erstattet {when}",
  by: "{who} · {when}", measure: "Insights", insightsUnavailable: "Insights-målene er ikke tilgjengelige nå.",
  followUps: "Oppfølginger", outreach: "Meldinger", back: "Tilbake",
  pNetwork: "Tjenesten kan ikke nås. Sjekk tilkoblingen og prøv igjen.",
  pValidation: "Sjekk: {fields}", pForbidden: "Du har ikke lov til å gjøre dette.",
  pForbiddenOperation: "Du har ikke lov til å gjøre dette (mangler tillatelse: {operation}).",
  pNotFound: "Ikke funnet. Det kan ha blitt fjernet.",
  pInAnotherBook: "{customer} er allerede i kundeboken til {owner} ({book}). Be {owner} eller butikksjefen om å flytte kunden.",
  pErased: "Denne kunden er slettet og kan ikke endres.",
  pConflict: "Dette gikk ikke fordi noe ble endret i mellomtiden: {detail}",
  pBusy: "Tjenesten er opptatt. Prøv igjen om {seconds} sekunder.",
  pPaging: "Listen har nye filtre; den starter fra toppen igjen.",
  pNotConfigured: "Clienteling er ikke satt opp for denne butikken ennå. Spør hovedkontoret.",
  pTooLarge: "Dette er for langt til å lagres.", pIdemReused: "Dette ble allerede sendt med annet innhold. Prøv igjen.",
  pGeneric: "Noe gikk galt: {detail}",
};
const et = {
  appName: "Kliendiraamat", skip: "Sisu juurde", loading: "Laadimine…",
  signIn: "Logi sisse", signInLocal: "Vali, kes sa oled (demotöötajad selles arvutis)",
  signInEntra: "Logi sisse töökontoga", signOut: "Logi välja",
  signedOutExpired: "Sisselogimine ei kehti enam. Palun logi uuesti sisse.",
  chooseStore: "Vali kauplus", myBook: "Minu kliendiraamat", storeBook: "Kaupluse kliendiraamat",
  findCustomers: "Leia kliente", customers: "{n} klienti", oneCustomer: "1 klient",
  search: "Otsi", searchBook: "Otsi raamatust", upcoming: "Sünnipäevad ja tähtpäevad",
  upcomingAny: "Igal ajal", upcomingDays: "{n} päeva jooksul", clearFilters: "Tühjenda filtrid",
  refine: "Täpsusta", loadMore: "Näita rohkem", open: "Ava", owner: "Omanik", empty: "Siin pole veel kliente.",
  noHits: "Ükski klient ei sobi.", select: "Vali {name}", colleague: "Kolleeg",
  reassign: "Määra valitud ümber", remove: "Eemalda valitud", selected: "{n} valitud",
  reassigned: "{n} klienti viidi üle: {name}.", removed: "{n} klienti eemaldati.",
  addToBook: "Lisa minu raamatusse", added: "{name} on nüüd sinu kliendiraamatus.",
  inMyBook: "Sinu raamatus", inColleagueBook: "Raamatus: {owner}", searchHint: "Nimi, e-post või telefon (vähemalt 2 märki)",
  details: "Andmed", email: "E-post", phone: "Telefon", birthday: "Sünnipäev", anniversary: "Tähtpäev",
  addressBooks: "Aadressiraamatud", consent: "Nõusolek kontaktiks", yes: "Jah", no: "Ei", notSet: "—",
  attributes: "Tunnused", save: "Salvesta", saved: "Salvestatud.", edit: "Muuda", cancel: "Loobu",
  changedElsewhere: "Keegi teine muutis seda, uus väärtus on: {values}. Sinu muudatust ei salvestatud; kontrolli ja salvesta uuesti.",
  timeline: "Ajajoon", noActivities: "Tegevusi veel pole.", recordActivity: "Lisa tegevus",
  activityType: "Liik", subject: "Teema", description: "Kirjeldus", recorded: "Tegevus lisatud.",
  notes: "Märkmed", noNotes: "Märkmeid veel pole.", newNote: "Uus märge", addNote: "Salvesta märge", noteSaved: "Märge salvestatud.",
  history: "Ajalugu", noHistory: "Varasemaid versioone pole.", editedBy: "{who}, asendatud {when}",
  by: "{who} · {when}", measure: "Insights", insightsUnavailable: "Insightsi näitajad pole praegu saadaval.",
  followUps: "Järeltegevused", outreach: "Sõnumid", back: "Tagasi",
  pNetwork: "Teenusega ei saa ühendust. Kontrolli ühendust ja proovi uuesti.",
  pValidation: "Palun kontrolli: {fields}", pForbidden: "Sul pole selleks õigust.",
  pForbiddenOperation: "Sul pole selleks õigust (puudub õigus: {operation}).",
  pNotFound: "Ei leitud. See võib olla eemaldatud.",
  pInAnotherBook: "{customer} on juba kliendiraamatus, mille omanik on {owner} ({book}). Palu omanikul või kauplusejuhil klient ümber määrata.",
  pErased: "See klient on kustutatud ja teda ei saa muuta.",
  pConflict: "Seda ei saanud teha, sest vahepeal muutus midagi: {detail}",
  pBusy: "Teenus on hõivatud. Proovi {seconds} sekundi pärast uuesti.",
  pPaging: "Loendi filtrid muutusid; see algab uuesti algusest.",
  pNotConfigured: "Clienteling pole selles kaupluses veel seadistatud. Küsi peakontorilt.",
  pTooLarge: "See on salvestamiseks liiga pikk.", pIdemReused: "See on juba teise sisuga saadetud. Proovi uuesti.",
  pGeneric: "Midagi läks valesti: {detail}",
};
const nl = {
  appName: "Klantenboek", skip: "Naar de inhoud", loading: "Laden…",
  signIn: "Aanmelden", signInLocal: "Kies wie u bent (demomedewerkers op deze computer)",
  signInEntra: "Aanmelden met uw werkaccount", signOut: "Afmelden",
  signedOutExpired: "Uw aanmelding is niet meer geldig. Meld u opnieuw aan.",
  chooseStore: "Kies de winkel", myBook: "Mijn klantenboek", storeBook: "Klantenboek van de winkel",
  findCustomers: "Klanten zoeken", customers: "{n} klanten", oneCustomer: "1 klant",
  search: "Zoeken", searchBook: "Zoeken in het boek", upcoming: "Verjaardagen en jubilea",
  upcomingAny: "Altijd", upcomingDays: "Binnen {n} dagen", clearFilters: "Filters wissen",
  refine: "Verfijnen", loadMore: "Meer tonen", open: "Openen", owner: "Eigenaar", empty: "Nog geen klanten.",
  noHits: "Geen klant gevonden.", select: "{name} selecteren", colleague: "Collega",
  reassign: "Selectie overdragen", remove: "Selectie verwijderen", selected: "{n} geselecteerd",
  reassigned: "{n} klanten overgedragen aan {name}.", removed: "{n} klanten verwijderd.",
  addToBook: "Aan mijn boek toevoegen", added: "{name} staat nu in uw klantenboek.",
  inMyBook: "In uw boek", inColleagueBook: "In het boek van {owner}", searchHint: "Naam, e-mail of telefoon (minstens 2 tekens)",
  details: "Gegevens", email: "E-mail", phone: "Telefoon", birthday: "Verjaardag", anniversary: "Jubileum",
  addressBooks: "Adresboeken", consent: "Toestemming voor contact", yes: "Ja", no: "Nee", notSet: "—",
  attributes: "Kenmerken", save: "Opslaan", saved: "Opgeslagen.", edit: "Bewerken", cancel: "Annuleren",
  changedElsewhere: "Gewijzigd door iemand anders, dit is de nieuwe waarde: {values}. Uw wijziging is niet opgeslagen; controleer en sla opnieuw op.",
  timeline: "Tijdlijn", noActivities: "Nog geen activiteiten.", recordActivity: "Activiteit vastleggen",
  activityType: "Soort", subject: "Onderwerp", description: "Beschrijving", recorded: "Activiteit vastgelegd.",
  notes: "Notities", noNotes: "Nog geen notities.", newNote: "Nieuwe notitie", addNote: "Notitie opslaan", noteSaved: "Notitie opgeslagen.",
  history: "Geschiedenis", noHistory: "Geen eerdere versies.", editedBy: "door {who}, vervangen {when}",
  by: "{who} · {when}", measure: "Insights", insightsUnavailable: "Insights-metingen zijn nu niet beschikbaar.",
  followUps: "Opvolgingen", outreach: "Berichten", back: "Terug",
  pNetwork: "De dienst is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.",
  pValidation: "Controleer: {fields}", pForbidden: "U mag dit niet doen.",
  pForbiddenOperation: "U mag dit niet doen (ontbrekende toestemming: {operation}).",
  pNotFound: "Niet gevonden. Mogelijk is het verwijderd.",
  pInAnotherBook: "{customer} staat al in het klantenboek van {owner} ({book}). Vraag {owner} of een winkelmanager om de klant over te dragen.",
  pErased: "Deze klant is gewist en kan niet worden gewijzigd.",
  pConflict: "Dit lukte niet omdat er intussen iets is veranderd: {detail}",
  pBusy: "De dienst is druk. Probeer het over {seconds} seconden opnieuw.",
  pPaging: "De lijst heeft nieuwe filters; hij begint weer bovenaan.",
  pNotConfigured: "Clienteling is nog niet ingesteld voor deze winkel. Vraag het hoofdkantoor.",
  pTooLarge: "Dit is te lang om op te slaan.", pIdemReused: "Dit is al met andere inhoud verstuurd. Probeer het opnieuw.",
  pGeneric: "Er ging iets mis: {detail}",
};
const pl = {
  appName: "Księga klientów", skip: "Przejdź do treści", loading: "Wczytywanie…",
  signIn: "Zaloguj się", signInLocal: "Wybierz, kim jesteś (pracownicy demo na tym komputerze)",
  signInEntra: "Zaloguj się kontem służbowym", signOut: "Wyloguj się",
  signedOutExpired: "Logowanie wygasło. Zaloguj się ponownie.",
  chooseStore: "Wybierz sklep", myBook: "Moja księga klientów", storeBook: "Księga klientów sklepu",
  findCustomers: "Znajdź klientów", customers: "Klienci: {n}", oneCustomer: "1 klient",
  search: "Szukaj", searchBook: "Szukaj w księdze", upcoming: "Urodziny i rocznice",
  upcomingAny: "Dowolnie", upcomingDays: "W ciągu {n} dni", clearFilters: "Wyczyść filtry",
  refine: "Zawęź", loadMore: "Pokaż więcej", open: "Otwórz", owner: "Opiekun", empty: "Brak klientów.",
  noHits: "Brak pasujących klientów.", select: "Zaznacz: {name}", colleague: "Współpracownik",
  reassign: "Przekaż zaznaczonych", remove: "Usuń zaznaczonych", selected: "Zaznaczono: {n}",
  reassigned: "Przekazano klientów ({n}): {name}.", removed: "Usunięto klientów: {n}.",
  addToBook: "Dodaj do mojej księgi", added: "{name} jest teraz w Twojej księdze klientów.",
  inMyBook: "W Twojej księdze", inColleagueBook: "W księdze: {owner}", searchHint: "Imię i nazwisko, e-mail lub telefon (min. 2 znaki)",
  details: "Dane", email: "E-mail", phone: "Telefon", birthday: "Urodziny", anniversary: "Rocznica",
  addressBooks: "Książki adresowe", consent: "Zgoda na kontakt", yes: "Tak", no: "Nie", notSet: "—",
  attributes: "Atrybuty", save: "Zapisz", saved: "Zapisano.", edit: "Edytuj", cancel: "Anuluj",
  changedElsewhere: "Zmienione przez kogoś innego, oto nowa wartość: {values}. Twoja zmiana nie została zapisana; sprawdź i zapisz ponownie.",
  timeline: "Oś czasu", noActivities: "Brak aktywności.", recordActivity: "Zapisz aktywność",
  activityType: "Rodzaj", subject: "Temat", description: "Opis", recorded: "Aktywność zapisana.",
  notes: "Notatki", noNotes: "Brak notatek.", newNote: "Nowa notatka", addNote: "Zapisz notatkę", noteSaved: "Notatka zapisana.",
  history: "Historia", noHistory: "Brak wcześniejszych wersji.", editedBy: "autor {who}, zastąpiono {when}",
  by: "{who} · {when}", measure: "Insights", insightsUnavailable: "Wskaźniki Insights są teraz niedostępne.",
  followUps: "Działania następcze", outreach: "Wiadomości", back: "Wstecz",
  pNetwork: "Brak połączenia z usługą. Sprawdź połączenie i spróbuj ponownie.",
  pValidation: "Sprawdź: {fields}", pForbidden: "Nie masz uprawnień do tej czynności.",
  pForbiddenOperation: "Nie masz uprawnień do tej czynności (brak uprawnienia: {operation}).",
  pNotFound: "Nie znaleziono. Mogło zostać usunięte.",
  pInAnotherBook: "{customer} jest już w księdze klientów: {owner} ({book}). Poproś tę osobę lub kierownika sklepu o przekazanie.",
  pErased: "Ten klient został usunięty i nie można go zmienić.",
  pConflict: "Nie udało się, bo w międzyczasie coś się zmieniło: {detail}",
  pBusy: "Usługa jest zajęta. Spróbuj ponownie za {seconds} s.",
  pPaging: "Lista ma nowe filtry; zaczyna się od początku.",
  pNotConfigured: "Clienteling nie jest jeszcze skonfigurowany dla tego sklepu. Zapytaj centralę.",
  pTooLarge: "To jest za długie, aby zapisać.", pIdemReused: "To zostało już wysłane z inną treścią. Spróbuj ponownie.",
  pGeneric: "Coś poszło nie tak: {detail}",
};

const CATALOG = { en, de, nb, et, nl, pl };
// Norwegian: browsers say nb, no or nn; Bokmål is what the seed has.
const ALIASES = { no: "nb", nn: "nb" };

export function pickLanguage(preferred = navigator.languages || [navigator.language]) {
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split("-")[0];
    const code = ALIASES[base] || base;
    if (CATALOG[code]) return { code, locale: tag };
  }
  return { code: "en", locale: "en" };
}

const chosen = pickLanguage();
export const lang = chosen.code;
export const locale = chosen.locale;
const texts = CATALOG[lang];

export function t(key, values = {}) {
  const text = texts[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

// Calendar dates (birthdays, date attributes) are days, not instants: format them in UTC so a
// browser west of Greenwich does not show the day before.
export function formatDate(isoDate) {
  if (!isoDate) return t("notSet");
  const day = new Date(`${String(isoDate).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? String(isoDate) : dateFormat.format(day);
}
export function formatDateTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? String(iso) : dateTimeFormat.format(when);
}
export function formatNumber(value) {
  return numberFormat.format(value);
}
export function countText(n) {
  return n === 1 ? t("oneCustomer") : t("customers", { n: formatNumber(n) });
}
