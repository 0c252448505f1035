## Names of what travels as English keys, errors, confirmations,
## notifications, and how dates and durations are written (norsk bokmål).

priority-critical = Kritisk
priority-high = Høy
priority-medium = Middels
priority-low = Lav
status-new = Ny
status-in_progress = Under behandling
status-waiting_customer = Venter på bruker
status-waiting_supplier = Venter på leverandør
status-resolved = Løst
status-closed = Lukket
kind-fault = Feilmelding
kind-order = Bestilling (avrop)
channel-web = Web
channel-email = E-post
channel-phone = Telefon
channel-api = API
user-kind-employee = Ansatt
user-kind-pupil = Elev
user-kind-guardian = Foresatt
user-kind-agent = Saksbehandler
user-kind-admin = Administrator
audit-login_succeeded = Innlogging
audit-login_failed = Mislykket innlogging
audit-login_throttled = Innlogging avvist (for mange forsøk)
audit-logout = Utlogging
audit-logout_everywhere = Logget ut overalt
audit-password_changed = Passord byttet
audit-password_reset = Passord tilbakestilt
audit-token_created = API-nøkkel laget
audit-token_deleted = API-nøkkel slettet
audit-user_created = Bruker opprettet
audit-user_activated = Bruker aktivert
audit-user_deactivated = Bruker deaktivert
audit-user_team_changed = Team endret
audit-organization_created = Organisasjon opprettet
audit-unit_created = Virksomhet opprettet
audit-team_created = Team opprettet
audit-service_created = Tjeneste opprettet
audit-mail_released = E-post sluppet ut av karantene
audit-mail_deleted = E-post i karantene slettet
notice-assigned = Tildelt deg
notice-requester_replied = Svar fra innmelder
notice-reopened = Gjenåpnet
notice-escalated = Eskalert
notice-received = Kvittering for ny sak
notice-replied = Nytt svar i saken
notice-waiting_for_you = Venter på svar fra deg
notice-resolved = Saken er løst
notice-copied = Kopi av sak

## Fields, by their API names

field-copied = Kopi til
field-title = Tittel
field-description = Beskrivelse
field-computer_name = Datamaskinnavn
field-requester_username = Brukernavn
field-body = Meldingen
field-kind = Type sak
field-service_id = Tjeneste
field-priority = Prioritet
field-status = Status
field-handler = Saksbehandler
field-username = Brukernavn
field-full_name = Navn
field-email = E-post
field-password = Passord
field-name = Navn
field-domains = E-postdomener
field-org_id = Organisasjon
field-unit_id = Virksomhet
field-team_id = Team
field-requester = Innmelder
field-attachment = Vedlegg
field-version = Saken
field-agreed_deadline = Avtalt frist
field-agreed_deadline_reason = Begrunnelsen
field-reason = Begrunnelsen
field-internal = Internt notat
field-current = Nåværende passord
field-new = Nytt passord
field-repeat = Gjenta nytt passord
field-active = Aktiv
field-phone = Telefon
field-expires_in_days = Gyldigheten
field-form = Skjemaet
field-follows = Tidligere sak
field-locale = Språket

## Errors

error-required = { $field } må fylles ut.
error-too-long = { $field } kan ikke være lenger enn { $max } tegn.
error-too-long-js = Teksten er { $count } tegn; den kan ikke være lenger enn { $max } tegn. Kort den ned før du sender – ingenting er sendt ennå.
error-invalid-chars = { $field } inneholder tegn som ikke er tillatt.
error-not-allowed = { $field } kan ikke settes av deg.
error-in-past = { $field } kan ikke ligge før nå.
error-not-active-agent = { $field } må være en aktiv saksbehandler.
error-not-copyable = { $field } må være en aktiv kunde som ikke er innmelder.
error-too-many = { $field }: ikke flere enn { $max }.
error-invalid-choice = { $field } er ikke et gyldig valg.
error-must-choose = { $field } må velges.
error-taken = { $field } er allerede i bruk.
error-unknown = { $field } finnes ikke.
error-datetime = { $field } er ikke et tidspunkt Skranke forstår. Skriv dato og klokkeslett, for eksempel { $example }.
error-rfc3339 = { $field } må være et tidspunkt i RFC 3339-form, for eksempel 2026-12-02T10:15:00+01:00.
error-deadline-with-reason = Avtalt frist må oppgis sammen med begrunnelsen.
error-not-utf8 = { $field } inneholder tegn som ikke kunne leses (teksten er ikke UTF-8). Skriv den inn på nytt.
error-follows-unknown = Finner ikke sak { $number } blant dine saker.
error-follows-not-theirs = { $field } er ikke en sak for denne innmelderen.
error-register-for-others = Bare saksbehandlere kan registrere saker for andre.
error-username-chars = Brukernavn kan bare inneholde bokstaver a–z, tall, punktum, bindestrek og understrek.
error-email = E-post er ikke en gyldig e-postadresse.
error-no-customer = Ingen kunde har denne e-postadressen, og domenet hører ikke til en organisasjon vi betjener.
error-domains = E-postdomener må være domener som kommune-a.no.
error-range = { $field } må være fra { $min } til { $max }.
error-length-range = { $field } må ha fra { $min } til { $max } tegn.
error-unknown-value = { $field }: «{ $value }» er ikke en verdi Skranke kjenner.
error-unknown-field = «{ $field }» er ikke et felt her.
error-not-boolean = { $field } må være true eller false.
error-if-match = If-Match må være sakens ETag.
error-idempotency-key = { $field } må være 1 til { $max } synlige ASCII-tegn.
error-idempotency-mismatch = Idempotency-Key ble brukt til en annen forespørsel de siste 24 timene.
error-repeat-mismatch = Gjenta nytt passord er ikke likt det nye passordet.
error-wrong-password = Nåværende passord er ikke riktig.
error-password-short = { $field } må ha minst 12 tegn.
error-password-long = { $field } kan ha høyst 256 tegn.
error-password-guessable = { $field } er for lett å gjette: det ligner vanlige passord, ord eller navnet ditt. Bruk gjerne flere ord som ikke hører sammen.
error-cannot-deactivate-self = Du kan ikke deaktivere deg selv.
error-file-too-big = Filen «{ $name }» er for stor: hver fil kan være på høyst { $max }. Velg en mindre fil – teksten din er tatt vare på.
error-malformed = Skjemaet kunne ikke leses: { $detail }
error-unchanged = Saken har allerede denne statusen.
error-back-to-new = En sak kan ikke settes tilbake til «Ny».
error-not-resolved = Bare en løst sak kan bekreftes.
error-not-finished = Bare en løst eller lukket sak kan gjenåpnes.
error-reopen-window-passed = Fristen for å gjenåpne saken er ute. Meld gjerne en ny sak som viser til denne – teksten din er tatt vare på.
error-case-closed = Saken er lukket og tar ikke imot flere meldinger. Meld gjerne en ny sak som viser til denne – teksten din er tatt vare på.
error-closed-reply = Saken er lukket. Bekreft at svaret skal sendes likevel.
error-not-customer = Elever og foresatte er ikke kunder av Kundeservice og kan ikke melde saker her. Ta kontakt med skolen din (kontaktlærer eller skolens IKT-ansvarlige), så hjelper de deg videre.
error-login-failed = Feil brukernavn eller passord.
error-throttled-seconds = { $count ->
    [one] For mange mislykkede innlogginger. Vent ett sekund før du prøver igjen.
   *[other] For mange mislykkede innlogginger. Vent { $count } sekunder før du prøver igjen.
}
error-throttled-minutes = For mange mislykkede innlogginger fra denne maskinen. Vent { $count } minutter før du prøver igjen.
error-token-read-only = Nøkkelen har bare lesetilgang (scope `read`); denne forespørselen trenger `write`.
error-csrf = Skjemaet er utløpt eller kom ikke fra Skranke. Gå tilbake, last siden på nytt og prøv igjen.
error-not-found = Vi finner ikke siden eller saken. Kanskje lenken er feil, eller saken tilhører noen andre.
error-unauthenticated = Du må logge inn.
error-forbidden = Du har ikke tilgang til denne siden.
error-internal = Noe gikk galt hos oss. Prøv igjen om litt; feilen er logget.
error-too-large = Forespørselen eller vedleggene er for store. Gå tilbake og velg mindre filer.
error-conflict-version = Saken er endret av noen andre siden du åpnet den. Last siden på nytt og prøv igjen.
error-unavailable = Skranke har mye å gjøre akkurat nå. Prøv igjen om noen sekunder.
error-unsupported-media-type = Innholdet er ikke i et format Skranke tar imot her.
error-version-required = Endringen må si hvilken versjon av saken den bygger på.
error-timeout = Forespørselen kom ikke fram i tide. Prøv igjen.
api-not-found = Finner ikke ressursen (eller den er ikke din).
api-unauthenticated = Send en gyldig nøkkel som `Authorization: Bearer <token>`.
api-precondition-required = Send `version` du sist leste, eller `If-Match` med sakens `ETag`.

## Confirmations after an action

flash-registered = Saken er registrert med nummer { $number } og er tildelt { $handler }.
flash-registered-unassigned = Saken er registrert med nummer { $number }. Den blir tildelt en saksbehandler så snart som mulig.
flash-reply-sent = Svaret er sendt.
flash-reply-status = Svaret er sendt, og status er endret til «{ $status }».
flash-note-saved = Notatet er lagret.
flash-message-sent = Meldingen din er sendt.
flash-message-reopened = Meldingen din er sendt, og saken er åpnet igjen.
flash-status = Status er endret til «{ $status }».
flash-priority = Prioriteten er endret til «{ $priority }».
flash-priority-confirmed = Prioriteten «{ $priority }» er bekreftet.
flash-assigned = Saken er tildelt { $handler }.
flash-unassigned = Saken er ikke lenger tildelt noen.
flash-deadline = Avtalt frist er satt til { $when }.
flash-unchanged = Ingenting ble endret.
flash-confirmed = Takk! Saken er lukket.
flash-copied = { $name } får nå kopi av saken.
flash-uncopied = { $name } får ikke lenger kopi av saken.
flash-reopened = Saken er åpnet igjen, og saksbehandleren har fått beskjed.
flash-all-read = Alle varsler er merket som lest.
flash-read = Varselet er merket som lest.
flash-mail-released = E-posten er sluppet ut av karantene og er nå sak { $number }.
error-mail-held = E-posten kan ikke bli en sak og ligger fortsatt i karantene: { $reason }
flash-mail-choices = Valgene for e-post er lagret.
flash-mail-deleted = E-posten er slettet.
flash-token-deleted = Nøkkelen er slettet.
flash-password-changed = Passordet er byttet. Du er logget ut alle andre steder.
flash-language = Språket er lagret.
flash-logged-out = Du er logget ut.
flash-user-created = Brukeren { $username } er opprettet.
flash-user-activated = { $username } er aktivert.
flash-user-deactivated = { $username } er deaktivert og logget ut.
flash-team-set = Teamet til { $username } er endret.
flash-created = «{ $name }» er opprettet.

## Notifications

notice-text-assigned = Ny sak til deg: { $number } «{ $title }».
notice-text-assigned-by = { $actor } har gitt deg sak { $number } «{ $title }».
notice-text-requester_replied = { $actor } har svart i sak { $number } «{ $title }».
notice-text-reopened = Sak { $number } «{ $title }» er åpnet igjen av { $actor }.
notice-text-escalated = Sak { $number } «{ $title }»: { $clock } er overskredet, eskalert til nivå { $level } ({ $level_name }).
notice-text-escalated-late = Sak { $number } «{ $title }»: { $clock } er overskredet, eskalert til nivå { $level } ({ $level_name }). Varslet forsinket.
notice-text-received = Vi har mottatt saken din { $number } «{ $title }».
notice-text-replied = { $actor } har svart i sak { $number } «{ $title }».
notice-text-waiting_for_you = Kundeservice venter på svar fra deg i sak { $number } «{ $title }».
notice-text-resolved = Sak { $number } «{ $title }» er løst.
notice-text-copied = { $actor } har gitt deg kopi av sak { $number } «{ $title }».

## E-mail from Skranke: subjects (after the case tag) and paragraphs.
mail-subject-received = Mottatt: { $title }
mail-subject-replied = { $title }
mail-subject-waiting_for_you = Vi venter på svar fra deg: { $title }
mail-subject-resolved = Løst: { $title }
mail-subject-copied = Kopi til deg: { $title }
mail-subject-assigned = Ny sak til deg: { $title }
mail-subject-requester_replied = Svar fra innmelder: { $title }
mail-subject-reopened = Gjenåpnet: { $title }
mail-subject-escalated = Eskalert til nivå { $level }: { $title }
mail-subject-auto-reply = Automatisk svar fra { $portal }
mail-greeting = Hei { $name },
mail-greeting-anonymous = Hei,
mail-received-lead = Vi har mottatt henvendelsen din og registrert den som sak { $number }.
mail-received-handler = Saksbehandler: { $handler }.
mail-received-no-handler = Saken blir tildelt en saksbehandler så snart som mulig.
mail-received-due = Prioritet: { $priority }. Du kan vente svar innen { $due }.
mail-replied-lead = { $actor } har svart i sak { $number }:
mail-waiting-lead = Vi trenger svar fra deg før vi kan gå videre med sak { $number }.
mail-resolved-lead = Sak { $number } er løst.
mail-copied-lead = { $actor } har gitt deg kopi av sak { $number } «{ $title }».
mail-copied-what = Du får e-post når Kundeservice svarer eller saken endrer status, og du kan lese saken i portalen. Vil du ikke ha kopi lenger, kan du fjerne deg selv på sakssiden.
mail-resolved-how = Er alt i orden, kan du bekrefte at saken er løst i portalen. Er problemet ikke løst, svarer du på denne e-posten innen { $days } dager, så åpner vi saken igjen.
mail-answer-hint = Svar på denne e-posten for å skrive i saken; teksten over svaret ditt blir med.
mail-escalated-lead = Sak { $number } «{ $title }» ({ $priority }): { $clock } er overskredet, og saken er eskalert til nivå { $level } ({ $level_name }).
mail-escalated-handler = Saksbehandler: { $handler }.
mail-auto-reply-lead = Takk for e-posten. Kundeservice tar imot henvendelser fra ansatte i kundeorganisasjonene, og kan derfor ikke behandle meldingen din.
mail-auto-reply-help = Er du elev eller foresatt, kontakter du skolen din. Er du ansatt i en kundeorganisasjon, skriver du fra jobbadressen din eller ringer oss på { $phone }.
mail-link = Se saken: { $url }
mail-signature = Med vennlig hilsen { $portal }
escalation-text = { $level_name }: sak { $number } «{ $title }» ({ $priority }) – { $clock } overskredet, nivå { $level } nådd { $at }
escalation-text-late = { $level_name }: sak { $number } «{ $title }» ({ $priority }) – { $clock } overskredet, nivå { $level } nådd { $at } (forsinket varsel)
level-n = Nivå { $level }
escalation-line = { $clock }: nivå { $level } nådd { $at }
escalation-line-late = { $clock }: nivå { $level } nådd { $at } (varslet forsinket { $recorded })
escalated-level = Eskalert nivå { $level }

## Deadlines in words

clock-left = { $left } igjen
clock-overdue = Overskredet med { $over }
clock-paused = På pause – { $left } igjen når saken går videre
clock-met = Oppfylt { $at }
clock-met-late = Oppfylt { $at } (for sent)
expect-answer = Du får svar innen { $when }.
expect-answer-late = Vi skulle ha svart deg innen { $when }. Beklager at det tar tid – saken er ikke glemt.
expect-solution = Saken er forventet løst innen { $date }.
expect-solution-late = Saken skulle vært løst innen { $date }. Vi jobber fortsatt med den.
expect-agreed = Som avtalt skal saken være løst innen { $when }.
expect-waiting-you = Vi venter på svar fra deg. Skriv svaret nedenfor, så går saken videre.
expect-waiting-supplier = Vi venter på en leverandør. Du hører fra oss.
span-minutes = { $minutes } min
span-hours = { $hours } t
span-hours-minutes = { $hours } t { $minutes } min
span-workdays = { $days ->
    [one] { $days } arbeidsdag
   *[other] { $days } arbeidsdager
}
span-workday-hours = 1 arbeidsdag og { $hours } t
span-days = { $days ->
    [one] { $days } døgn
   *[other] { $days } døgn
}
span-day-hours = 1 døgn og { $hours } t
amount-seconds = { $count ->
    [one] { $count } sekund
   *[other] { $count } sekunder
}
amount-minutes = { $count ->
    [one] { $count } minutt
   *[other] { $count } minutter
}
amount-hours = { $count ->
    [one] { $count } time
   *[other] { $count } timer
}
amount-days = { $count ->
    [one] { $count } dag
   *[other] { $count } dager
}
size-bytes = { $count } byte

## History

history-created = Sak { $number } registrert
history-public-reply = Svar til innmelder
history-internal-note = Internt notat
history-requester-message = Melding fra innmelder
history-priority-confirmed = Prioritet bekreftet: { $priority }
history-change = { $field }: { $old } → { $new }
history-note = { $text } ({ $note })
history-after-message = { $text } (etter melding)
history-note-after-message = { $text } (etter melding; { $note })
changed-meanwhile-line = { $at }, { $actor }: { $change }

## Dates

datetime-short = { $day }.{ $month }.{ $year } { $time }
datetime-long = { $weekday } { $day }. { $month } kl. { $time }
date-long = { $weekday } { $day }. { $month }
weekday-1 = mandag
weekday-2 = tirsdag
weekday-3 = onsdag
weekday-4 = torsdag
weekday-5 = fredag
weekday-6 = lørdag
weekday-7 = søndag
month-1 = januar
month-2 = februar
month-3 = mars
month-4 = april
month-5 = mai
month-6 = juni
month-7 = juli
month-8 = august
month-9 = september
month-10 = oktober
month-11 = november
month-12 = desember
mail-no-subject = (uten emne)

# Operational messages (driftsmeldinger) and service status
notice-status_update = Driftsmeldinger du følger
op-kind-outage = Driftsproblem
op-kind-maintenance = Planlagt vedlikehold
op-kind-change = Endring
op-state-planned = Planlagt
op-state-active = Pågår
op-state-resolved = Løst
severity-degraded = Redusert tilgjengelighet
severity-unavailable = Utilgjengelig
service-status-available = Tjenesten er tilgjengelig
service-status-degraded = Redusert tilgjengelighet
service-status-unavailable = Tjenesten er utilgjengelig
service-status-maintenance = Planlagt vedlikehold pågår
field-severity = Alvorlighet
field-services = Berørte tjenester
field-orgs = Berørte organisasjoner
field-starts_at = Start
field-ends_at = Forventet ferdig
field-published = Publisert
field-state = Tilstand
field-case = Sak
field-note = Melding
error-before-start = { $field } må komme etter start.
error-op-changed = Driftsmeldingen er endret av noen andre mens du skrev. Se den nye versjonen og prøv igjen.
error-op-not-open = Driftsmeldingen er løst; meld saken din hvis du fortsatt har problemer.
error-not-org-contact = Bare organisasjonens kontaktperson kan abonnere på vegne av organisasjonen.
error-one-of-service-message = Oppgi enten en tjeneste eller en driftsmelding.
flash-op-created = Driftsmeldingen er lagret.
flash-op-saved = Endringen er lagret.
flash-op-update-added = Oppdateringen er publisert.
flash-op-concerns-me = Registrert: dette gjelder deg også. Du får beskjed når det er løst.
flash-op-following = Du følger nå dette og får beskjed om hver oppdatering.
flash-op-unfollowed = Du følger ikke lenger dette.
flash-op-case-linked = Sak { $number } er knyttet til driftsmeldingen.
flash-op-case-unlinked = Sak { $number } er ikke lenger knyttet til driftsmeldingen.
flash-op-cases-resolved = { $count } saker er løst med svaret. { $skipped } var allerede ferdige eller ble ikke endret.
notice-text-status_update = Ny oppdatering: «{ $message }».
mail-subject-status_update = { $kind }: { $title }
mail-status-published = Ny driftsmelding ({ $kind }): «{ $title }». Tilstand: { $state }.
mail-status-update = Ny oppdatering om «{ $title }». Tilstand: { $state }.
mail-status-state = «{ $title }» er nå: { $state }.
mail-status-when = Fra { $start }. Forventet ferdig: { $end }.
mail-status-link = Se driftsmeldingen: { $url }
mail-status-unsubscribe = Du får denne e-posten fordi du følger dette. Avslutt med ett klikk: { $url }
op-end-unknown = ikke kjent ennå
op-case-finished = Saken var allerede ferdig.
op-event-published = Publisert
op-event-update = Oppdatering
op-event-state = Ny tilstand: { $state }
op-feed-title = Driftsmeldinger fra Kundeservice
op-feed-service-title = Driftsmeldinger: { $service }
op-from = Fra { $when }
op-expected-end = forventet ferdig { $when }
op-from-case = Lages fra sak { $number }, som knyttes til meldingen.
op-resolve-text = Svar til alle { $count } åpne saker (de løses med dette svaret)
op-start-hint = Tom: nå. Format: { $example }
unsubscribe-ask = Vil du slutte å følge «{ $what }»?
unsubscribe-done = Du følger ikke lenger «{ $what }».
op-history-linked = Sak { $number } knyttet til
op-history-unlinked = Sak { $number } fjernet
flash-org-contact-made = { $username } er nå kontaktperson for organisasjonen sin.
flash-org-contact-removed = { $username } er ikke lenger kontaktperson.
error-not-org-member = Bare en kunde i en organisasjon kan være kontaktperson for den.
audit-org_contact_changed = Kontaktperson endret
field-org_contact = Kontaktperson
field-for_organization = For organisasjonen
audit-service_updated = Tjeneste oppdatert
role-owner = Tjenesteeier
role-manager = Tjenesteforvalter
role-operations = Driftsansvarlig
error-invalid-key = { $field }: bare små bokstaver, sifre og bindestrek.
error-role-twice = { $field }: hver rolle bare én gang.
field-category = Kategori
field-key = Nøkkel
field-roles = Roller
service-edit-heading = Rediger { $name }
flash-service-saved = Beskrivelsen av { $name } er lagret.
