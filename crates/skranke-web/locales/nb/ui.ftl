## The pages: headings, labels, buttons and help texts (norsk bokmål).

service-name = Kundeservice
skip-to-main = Hopp til hovedinnholdet
nav-label = Hovedmeny
nav-queues = Køer
nav-phone = Telefonhenvendelse
nav-notifications = Varsler
nav-my-cases = Mine saker
nav-report = Meld feil eller bestill
nav-admin = Administrasjon
nav-tokens = API-nøkler
audit-log = Sikkerhetslogg
account = Min konto
logout = Logg ut
language = Språk
language-choose = Språk i Skranke
language-auto = Som nettleseren min (norsk hvis den ikke sier noe annet)
unread = { $count ->
    [one] { $count } ulest varsel
   *[other] { $count } uleste varsler
}
unread-badge = Ulest
to-front-page = Til forsiden
login = Logg inn
username = Brukernavn
password = Passord
required = må fylles ut
yes = Ja
no = Nei
none = Ingen
all = Alle
save = Lagre
cancel = Avbryt
create = Opprett
add = Legg til
delete = Slett
set = Sett
actions = Handlinger
mail-choices = Varsler på e-post
mail-choices-legend = Send meg e-post om
mail-choices-hint = Alle varsler vises under Varsler uansett; dette gjelder bare e-post.
mail-hold-unreadable = Kunne ikke leses som e-post
mail-hold-no_sender = Ingen avsender
mail-hold-not_customer = Avsenderen er ikke kunde
mail-hold-unknown_domain = Ukjent avsenderdomene
mail-hold-not_a_case = Kunne ikke bli en sak
mail-hold-too_large = For stor: bare hodet ble hentet; meldingen ligger i postkassen
mail-admin = E-post
mail-quarantine = Karantene
mail-quarantine-hint = E-post som ikke ble sak: fra avsendere som ikke er kunder, fra ukjente domener, eller som ikke kunne leses. Slipp ut gjør den til en sak med en gang, også fra ukjente domener; e-post fra elever og foresatte blir liggende.
mail-quarantine-empty = Ingen e-post i karantene.
mail-sender = Avsender
mail-reason = Årsak
mail-release = Slipp ut som sak
mail-delete = Slett
mail-outgoing = Utgående e-post
mail-outgoing-off = Ingen e-post sendes: det er ikke satt opp noen relay under [mail.outbound].
mail-outgoing-empty = Ingen e-post er sendt ennå.
mail-recipient = Mottaker
mail-kind = Type
mail-kind-auto-reply = Automatisk svar til ikke-kunde
mail-state = Status
mail-state-sent = Sendt
mail-state-pending = Venter
mail-state-failed = Ga opp
mail-state-bounced = Kom i retur
mail-attempts = { $count ->
    [one] ett forsøk
   *[other] { $count } forsøk
}
system = Systemet
name = Navn
email = E-post
phone = Telefon

## Errors

error-heading = Noe stoppet her
error-heading-404 = Finner ikke siden
error-heading-403 = Ingen tilgang
error-heading-500 = Noe gikk galt hos oss
error-code = Feilkode { $status }
error = Feil
form-errors = { $count ->
    [one] Skjemaet har én feil
   *[other] Skjemaet har { $count } feil
}

## The portal

report-heading = Meld feil eller bestill en tjeneste
no-cases-yet = Du har ingen saker ennå.
new-reply = Nytt svar
contact-heading = Kontakt Kundeservice
opening-hours = Åpningstider
open-now = Kundeservice er åpen nå.
closed-now = Kundeservice er stengt nå.
closed-on-holidays = Stengt på helligdager.
hours-closed = Stengt
this-portal = denne portalen
pupil-heading = Skolen din hjelper deg
pupil-school-helps = Kundeservice hjelper ansatte i kommunene. Elever og foresatte får hjelp av skolen: snakk med kontaktlæreren din eller skolens IKT-ansvarlige, så hjelper de deg videre.
pupil-who = Du kan fortsatt lese sakene du har her, og endre språk og passord under «Min konto».
refused-caller = Elever og foresatte er ikke kunder av Kundeservice, og det registreres ingen sak for dem. Be innringeren ta kontakt med skolen (kontaktlærer eller skolens IKT-ansvarlige).

## The report form

phone-case-for = Telefonhenvendelse for { $name }
check-ops-messages = Sjekk driftsmeldinger først.
ops-messages-hint = Kanskje feilen allerede er kjent og under arbeid.
idea-hint = Idéer til nye tjenester eller endringer av eksisterende tjenester meldes ikke som sak, men som «Idé til utvikling» til Innovasjonsløypa.
what-about = Hva gjelder det?
service = Tjeneste
service-unknown = Vet ikke / annet
title = Tittel
description = Beskrivelse
be-ready-hint = Ha brukernavn og datamaskinnavn klart (snarvei på Startmenyen under @PC-info).
computer-name = Datamaskinnavn
computer-name-example = For eksempel PC-12345.
attachments = Vedlegg
attachment-hint = Du kan legge ved én eller flere filer, hver på høyst { $max }. Bilder vises i saken.
impact-legend = Hvor alvorlig er det? (gir forslag til prioritet)
impact-life-and-health = Feilen rammer applikasjoner som trengs for tjenester innen liv og helse
impact-whole-unit = Et helt system er nede for minst én virksomhet eller faggruppe
impact-citizen-service = Det gjelder en elektronisk tjeneste innbyggerne bruker
impact-user-down = Et system er nede for meg eller minst én bruker
submit = Send inn
priorities-summary = Prioriteter, mål for svar- og løsningstid
priority = Prioritet
response-time = Svartid
resolution-time = Løsningstid
definition = Definisjon
follow-up-title = Oppfølging av sak { $number }
follows-case = Oppfølging av sak

## The case page

case-title = Sak { $number }
case = Sak
status = Status
priority-unconfirmed = foreslått, ikke bekreftet
handler = Saksbehandler
unassigned = Ikke tildelt
kind = Type
channel = Kanal
requester = Innmelder
organization = Organisasjon
computer = Datamaskin
registered = Registrert
registered-at = registrert { $at }
resolved-notice = Saken er løst. Bekreft at alt virker, eller åpne den igjen om noe fortsatt er galt.
new-messages = { $count ->
    [one] Det er kommet ett nytt svar siden sist du så saken.
   *[other] Det er kommet { $count } nye svar siden sist du så saken.
}
new = Nytt
deadlines = Frister
clock = Klokke
due = Frist
due-at = frist { $at }
escalation-level = Eskalering
time-paused = Tid på pause (venter på bruker eller leverandør): { $span }.
agreed-deadline = Avtalt frist
escalations = Eskaleringer
reason = Begrunnelse
reason-example = Avtalt med bruker på telefon
datetime-hint = Dato og klokkeslett, for eksempel 02.12.2026 10:15.
set-agreed-deadline = Sett avtalt frist
conversation = Samtale
no-messages = Ingen meldinger ennå.
internal-note = Internt notat
image-alt = Bilde: { $name }
reply-or-note = Svar eller notat
reply = Svar
internal-note-hint = Internt notat (vises ikke for innmelder)
send = Send
send-and-set = Send og sett «{ $status }»
send-anyway = Send svaret likevel
closed-reply-question = Saken er lukket. Svaret sendes til innmelderen, men saken åpnes ikke igjen. Vil du sende det likevel? Teksten din er tatt vare på.
confirm-resolved = Bekreft at saken er løst
reopen = Gjenåpne saken
reopen-reason = Hva virker fortsatt ikke?
follow-up-button = Meld ny sak som viser til denne
handling = Behandling
set-status = Sett status
set-priority = Endre prioritet
priority-option = { $priority } – { $targets }
priority-targets = svar { $response }, løsning { $resolution }
priority-suggested-hint = Prioriteten er foreslått ut fra innmelderens svar. Bekreft den, eller velg en annen over.
confirm-priority = Bekreft prioritet «{ $priority }»
assign = Tildel
history = Historikk
conflict-intro = Saken ble endret av noen andre mens du hadde den åpen, så endringen din er ikke lagret:
conflict-again = Se over saken slik den er nå, og gjør endringen på nytt om den fortsatt trengs.

## Queues

queue-mine = Mine saker
queue-unassigned = Ikke tildelt
queue-team = Mitt team
queue-open = Alle åpne
queue-all = Alle saker
queues-label = Køer
filter-label = Filtrer saker
search = Søk
search-hint = Nummer, tittel eller innmelder (navn, brukernavn, e-post)
sort = Sortering
sort-deadline = Nærmeste frist
sort-newest = Nyeste først
sort-oldest = Eldste først
sort-updated = Sist endret
show = Vis
cases-count = { $count ->
    [one] { $count } sak
   *[other] { $count } saker
}
queue-empty = Ingen saker her nå.
number = Nummer
previous = Forrige side
next = Neste side
pages-label = Sider
page-of = Side { $page } av { $pages }

## Phone intake

find-caller = Finn innringer (navn, brukernavn eller e-post)
callers = Treff
no-hits = Ingen treff.
register-case = Registrer sak
for-name = for { $name }

## Notifications

no-notifications = Ingen varsler.
mark-all-read = Merk alle som lest
mark-read = Merk som lest

## Administration

users = Brukere
team = Team
teams = Team
team-of = Team for { $name }
active = Aktiv
deactivate = Deaktiver
activate = Aktiver
new-user = Ny bruker
new-user-password-hint = Valgfritt. Uten passord kan personen ikke logge inn før du tilbakestiller det.
unit = Virksomhet
create-user = Opprett bruker
orgs-and-units = Organisasjoner og virksomheter
new-unit-in = Ny virksomhet i { $org }
new-org = Ny organisasjon (kommune)
domains = E-postdomener
domains-hint = Skill flere med komma, for eksempel kommune-a.no, skole.kommune-a.no.
new-team = Nytt team
services = Tjenester
new-service = Ny tjeneste
reset-password = Tilbakestill passord
one-time-password = Engangspassord for { $username }: { $password }. Gi det bare til personen selv. Det må byttes ved neste innlogging, og alle personens innlogginger er avsluttet.
sla-errors = Saker fristene ikke kan beregnes for
sla-errors-hint = Historikken til disse sakene kan ikke leses av SLA-motoren. De eskaleres ikke før feilen er rettet; neste endring av saken prøver igjen.
when = Når
event = Hendelse
actor = Utført av
subject = Gjelder
address = Adresse
detail = Detaljer
older = Eldre hendelser

## Account

tokens-intro = Med en API-nøkkel kan skript og integrasjoner bruke Skranke på dine vegne.
token-shown-once = Din nye nøkkel. Den vises bare denne ene gangen, så kopier den nå:
token-expires = Nøkkelen utløper { $at }.
created = Opprettet
token-name = Navn på nøkkelen
new-token = Lag ny nøkkel
token-usage = Bruk nøkkelen som
api-description = Beskrivelse:
token-lifetime = Gyldig i
days-count = { $count ->
    [one] { $count } dag
   *[other] { $count } dager
}
token-write = Kan også endre (scope write)
expires = Utløper
last-used = Sist brukt
never = aldri
scopes = Tilgang
no-tokens = Du har ingen API-nøkler.
sessions = Innlogginger
logout-everywhere = Logg ut overalt
logout-everywhere-hint = Avslutter alle innlogginger med kontoen din, også denne (for eksempel om du har glemt å logge ut på en delt PC).
change-password = Bytt passord
current-password = Nåværende passord
new-password = Nytt passord
repeat-password = Gjenta nytt passord
password-rules = Minst 12 tegn. Unngå vanlige passord og navnet ditt; flere ord som ikke hører sammen er både lett å huske og vanskelig å gjette.
must-change-password = Passordet ditt er tilbakestilt. Velg et nytt passord før du fortsetter.
copied-case = kopi; meldt inn av { $name }
copied = Kopi til
copied-none = Ingen andre får kopi av saken.
copied-help = Den som får kopi, får e-post om svar og status og kan lese og svare på saken.
copy-email = E-postadressen til den som skal få kopi
copy-add = Gi kopi
copy-remove = Fjern { $name }
whole-mail = Hele e-posten, slik den kom
received-at = mottatt { $at }

# Status and operational messages
nav-status = Driftsstatus
nav-op-messages = Driftsmeldinger
status-heading = Driftsstatus
status-intro = Sjekk om feilen er kjent før du melder den. Her står driftsproblemer, planlagt vedlikehold og endringer.
status-feed = Atom-strøm
status-all-well = Ingen kjente driftsproblemer nå.
status-active = Pågår nå
status-upcoming = Planlagt
status-services = Tjenester
op-all-services = Alle tjenester
op-draft = Utkast
op-overdue = Forventet ferdig-tid er overskredet
op-concerns-me = Dette gjelder meg også
op-concerned = Du er registrert som berørt og får beskjed når det er løst.
op-follow = Følg
op-following = Du følger dette.
op-updates = Oppdateringer
op-no-updates = Ingen oppdateringer ennå.
op-desk = Kundeservice: behandle meldingen
op-add-update = Ny oppdatering
op-update-text = Tekst (Markdown)
op-publish-update = Publiser oppdatering
op-change = Endre meldingen
op-no-severity = Ingen (bare informasjon)
op-time-hint = Tom: ikke kjent. Format: dd.mm.åååå tt:mm
op-note = Melding til brukerne (med endringen)
op-publish-now = Publiser nå
op-cases = Knyttede saker
op-no-cases = Ingen saker er knyttet til meldingen.
op-unlink = Fjern
op-link-case = Knytt en sak (saksnummer)
op-case-hint = For eksempel 2026-000123
op-link = Knytt til
op-resolve-cases = Løs alle knyttede saker
op-resolve-button = Løs sakene med dette svaret
op-affected = Berørte brukere
op-no-affected = Ingen har meldt seg som berørt.
op-messages-heading = Driftsmeldinger
op-new-heading = Ny driftsmelding
op-body = Tekst (Markdown)
op-body-hint = Markdown: **fet**, *kursiv*, lister og lenker. HTML vises som tekst.
op-severity-hint = Påkrevd for driftsproblem. Vedlikehold gir «Planlagt vedlikehold».
op-none-is-all = Ingen valgt: alle.
op-save-draft = Lagre som utkast (bare Kundeservice ser det)
op-create = Lagre driftsmelding
op-none = Ingen driftsmeldinger ennå.
op-still-report = Gjelder det noe annet, meld det gjerne nedenfor.
op-case-heading = Driftsmeldinger
op-case-none = Saken er ikke knyttet til noen driftsmelding.
op-link-to = Knytt saken til
op-create-from-case = Opprett driftsmelding fra saken
unsubscribe-heading = Avslutt abonnement
unsubscribe-button = Slutt å følge
unsubscribe-gone = Abonnementet finnes ikke (lenger).
subscriptions = Det du følger
subscriptions-none = Du følger ingen tjenester eller driftsmeldinger.
subscription-stop = Slutt å følge
op-history-created = Opprettet
op-by-system = Skranke (automatisk)
org-contact-make = Gjør til kontaktperson
org-contact-remove = Ikke kontaktperson
op-for-org = For organisasjonen min (kontaktperson)
op-case-known = Feilen er kjent og meldt som driftsmelding. Der står det siste:

# The service catalog
nav-catalog = Tjenestekatalog
catalog-heading = Tjenestekatalog
catalog-intro = Tjenestene Kundeservice leverer, med hva som er inkludert, hva du kan forvente og hvem som har ansvaret.
catalog-search = Søk etter tjeneste
catalog-none = Ingen tjenester passer søket.
catalog-uncategorised = Andre tjenester
catalog-status = Status
catalog-no-roles = Ingen roller er oppgitt.
catalog-role = Rolle
catalog-holder = Ansvarlig
catalog-section-description = Beskrivelse av tjenesten
catalog-section-included = Hva er inkludert?
catalog-section-expectations = Hva kan du forvente?
catalog-section-cost = Hva koster dette?
catalog-section-contribute = Hvordan kan du bidra til å få en best mulig ytelse?
catalog-section-more_info = Trenger du mer informasjon?
catalog-section-roles = Roller
service-edit = Rediger beskrivelsen
service-roles-hint = Navnet på en person, et team eller en organisasjon. Tomt: rollen er ikke oppgitt.
