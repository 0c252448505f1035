## The pages: headings, labels, buttons and help texts (English).

service-name = Customer Service
skip-to-main = Skip to main content
nav-label = Main menu
nav-queues = Queues
nav-phone = Phone call
nav-notifications = Notifications
nav-my-cases = My cases
nav-report = Report or order
nav-admin = Administration
nav-tokens = API keys
audit-log = Security log
account = My account
logout = Log out
language = Language
language-choose = Language in Skranke
language-auto = As my browser says (Norwegian unless it says otherwise)
unread = { $count ->
    [one] { $count } unread notification
   *[other] { $count } unread notifications
}
unread-badge = Unread
to-front-page = To the front page
login = Log in
username = Username
password = Password
required = required
yes = Yes
no = No
none = None
all = All
save = Save
cancel = Cancel
create = Create
add = Add
delete = Delete
set = Set
mail-choices = E-mail notices
mail-choices-legend = Send me e-mail about
mail-choices-hint = Every notice is shown under Notifications either way; this is only about e-mail.
mail-hold-unreadable = Could not be read as e-mail
mail-hold-no_sender = No sender
mail-hold-not_customer = The sender is not a customer
mail-hold-unknown_domain = Unknown sender domain
mail-hold-not_a_case = Could not be made a case
mail-hold-too_large = Too large: only the header was fetched; the message is in the mailbox
mail-admin = E-mail
mail-quarantine = Quarantine
mail-quarantine-hint = E-mail that did not become a case: from senders who are not customers, from unknown domains, or that could not be read. Release makes it a case now, also from an unknown domain; mail from pupils and guardians stays held.
mail-quarantine-empty = No e-mail in quarantine.
mail-sender = Sender
mail-reason = Reason
mail-release = Release as a case
mail-delete = Delete
mail-outgoing = Outgoing e-mail
mail-outgoing-off = No e-mail is sent: no relay is set up under [mail.outbound].
mail-outgoing-empty = No e-mail has been sent yet.
mail-recipient = Recipient
mail-kind = Kind
mail-kind-auto-reply = Automatic reply to a non-customer
mail-state = State
mail-state-sent = Sent
mail-state-pending = Waiting
mail-state-failed = Given up
mail-state-bounced = Bounced
mail-attempts = { $count ->
    [one] one attempt
   *[other] { $count } attempts
}
actions = Actions
system = The system
name = Name
email = E-mail
phone = Phone

## Errors

error-heading = Something stopped here
error-heading-404 = Page not found
error-heading-403 = No access
error-heading-500 = Something went wrong on our side
error-code = Error code { $status }
error = Error
form-errors = { $count ->
    [one] There is one problem with the form
   *[other] There are { $count } problems with the form
}

## The portal

report-heading = Report a fault or order a service
no-cases-yet = You have no cases yet.
new-reply = New reply
contact-heading = Contact Customer Service
opening-hours = Opening hours
open-now = Customer Service is open now.
closed-now = Customer Service is closed now.
closed-on-holidays = Closed on public holidays.
hours-closed = Closed
this-portal = this portal
pupil-heading = Your school helps you
pupil-school-helps = Customer Service helps the municipalities' employees. Pupils and guardians are helped by their school: talk to your contact teacher or the school's IT contact, and they will help you further.
pupil-who = You can still read your cases here, and change your language and password under "My account".
refused-caller = Pupils and guardians are not customers of Customer Service, and no case is registered for them. Ask the caller to contact their school (contact teacher or the school's IT contact).

## The report form

phone-case-for = Phone call from { $name }
check-ops-messages = Check the operational messages first.
ops-messages-hint = The fault may already be known and being worked on.
idea-hint = Ideas for new services or changes to existing ones are not reported as cases but as an "Idea for development" to Innovasjonsløypa.
what-about = What is it about?
service = Service
service-unknown = Don't know / other
title = Title
description = Description
be-ready-hint = Have your username and computer name ready (shortcut in the Start menu under @PC-info).
computer-name = Computer name
computer-name-example = For example PC-12345.
attachments = Attachments
attachment-hint = You can attach one or more files, each at most { $max }. Pictures are shown in the case.
impact-legend = How serious is it? (suggests a priority)
impact-life-and-health = The fault affects applications needed for services concerning life and health
impact-whole-unit = A whole system is down for at least one unit or professional group
impact-citizen-service = It concerns an electronic service citizens use
impact-user-down = A system is down for me or at least one user
submit = Submit
priorities-summary = Priorities, response and resolution targets
priority = Priority
response-time = Response time
resolution-time = Resolution time
definition = Definition
follow-up-title = Follow-up of case { $number }
follows-case = Follow-up of case

## The case page

case-title = Case { $number }
case = Case
status = Status
priority-unconfirmed = suggested, not confirmed
handler = Handler
unassigned = Not assigned
kind = Type
channel = Channel
requester = Requester
organization = Organisation
computer = Computer
registered = Registered
registered-at = registered { $at }
resolved-notice = The case is resolved. Confirm that everything works, or reopen it if something is still wrong.
new-messages = { $count ->
    [one] There is one new reply since you last saw the case.
   *[other] There are { $count } new replies since you last saw the case.
}
new = New
deadlines = Deadlines
clock = Clock
due = Due
due-at = due { $at }
escalation-level = Escalation
time-paused = Time paused (waiting for the user or a supplier): { $span }.
agreed-deadline = Agreed deadline
escalations = Escalations
reason = Reason
reason-example = Agreed with the user on the phone
datetime-hint = Date and time, for example 02.12.2026 10:15.
set-agreed-deadline = Set agreed deadline
conversation = Conversation
no-messages = No messages yet.
internal-note = Internal note
image-alt = Picture: { $name }
reply-or-note = Reply or note
reply = Reply
internal-note-hint = Internal note (not shown to the requester)
send = Send
send-and-set = Send and set "{ $status }"
send-anyway = Send the reply anyway
closed-reply-question = The case is closed. The reply goes to the requester, but the case is not reopened. Send it anyway? Your text has been kept.
confirm-resolved = Confirm the case is solved
reopen = Reopen the case
reopen-reason = What still does not work?
follow-up-button = Report a new case referring to this one
handling = Handling
set-status = Set status
set-priority = Change priority
priority-option = { $priority } – { $targets }
priority-targets = response { $response }, resolution { $resolution }
priority-suggested-hint = The priority was suggested from the requester's answers. Confirm it, or choose another above.
confirm-priority = Confirm priority "{ $priority }"
assign = Assign
history = History
conflict-intro = Someone else changed the case while you had it open, so your change was not saved:
conflict-again = Look over the case as it is now, and make your change again if it is still needed.

## Queues

queue-mine = My cases
queue-unassigned = Not assigned
queue-team = My team
queue-open = All open
queue-all = All cases
queues-label = Queues
filter-label = Filter cases
search = Search
search-hint = Number, title or requester (name, username, e-mail)
sort = Sort by
sort-deadline = Nearest deadline
sort-newest = Newest first
sort-oldest = Oldest first
sort-updated = Last changed
show = Show
cases-count = { $count ->
    [one] { $count } case
   *[other] { $count } cases
}
queue-empty = No cases here now.
number = Number
previous = Previous page
next = Next page
pages-label = Pages
page-of = Page { $page } of { $pages }

## Phone intake

find-caller = Find the caller (name, username or e-mail)
callers = Matches
no-hits = No matches.
register-case = Register a case
for-name = for { $name }

## Notifications

no-notifications = No notifications.
mark-all-read = Mark all as read
mark-read = Mark as read

## Administration

users = Users
team = Team
teams = Teams
team-of = Team of { $name }
active = Active
deactivate = Deactivate
activate = Activate
new-user = New user
new-user-password-hint = Optional. Without a password the person cannot log in until you reset it.
unit = Unit
create-user = Create user
orgs-and-units = Organisations and units
new-unit-in = New unit in { $org }
new-org = New organisation (municipality)
domains = E-mail domains
domains-hint = Separate several with commas, for example kommune-a.no, skole.kommune-a.no.
new-team = New team
services = Services
new-service = New service
reset-password = Reset password
one-time-password = One-time password for { $username }: { $password }. Give it to the person only. It must be changed at the next login, and all of the person's sessions have ended.
sla-errors = Cases whose deadlines cannot be computed
sla-errors-hint = The SLA engine cannot read the history of these cases. They are not escalated until the fault is fixed; the next change of the case tries again.
when = When
event = Event
actor = Done by
subject = Concerns
address = Address
detail = Details
older = Older events

## Account

tokens-intro = With an API key, scripts and integrations can use Skranke on your behalf.
token-shown-once = Your new key. It is shown this once only, so copy it now:
token-expires = The key expires { $at }.
created = Created
token-name = Name of the key
new-token = Make a new key
token-usage = Use the key as
api-description = Description:
token-lifetime = Valid for
days-count = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
token-write = May also make changes (scope write)
expires = Expires
last-used = Last used
never = never
scopes = Access
no-tokens = You have no API keys.
sessions = Sessions
logout-everywhere = Log out everywhere
logout-everywhere-hint = Ends every session of your account, this one too (if you forgot to log out on a shared PC, say).
change-password = Change password
current-password = Current password
new-password = New password
repeat-password = Repeat the new password
password-rules = At least 12 characters. Avoid common passwords and your name; several words that do not belong together are easy to remember and hard to guess.
must-change-password = Your password has been reset. Choose a new password before you go on.
copied-case = copy; reported by { $name }
copied = Copied to
copied-none = Nobody else is copied on the case.
copied-help = Whoever is copied gets e-mail of replies and status, and may read and answer the case.
copy-email = E-mail address of the person to copy
copy-add = Copy
copy-remove = Remove { $name }
whole-mail = The whole e-mail, as it came
received-at = received { $at }

# Status and operational messages
nav-status = Service status
nav-op-messages = Operational messages
status-heading = Service status
status-intro = Check whether a fault is known before you report it. Here are operational problems, planned maintenance and changes.
status-feed = Atom feed
status-all-well = No known operational problems now.
status-active = Ongoing
status-upcoming = Planned
status-services = Services
op-all-services = All services
op-draft = Draft
op-overdue = The expected end has passed
op-concerns-me = This concerns me too
op-concerned = You are noted as affected and will be told when it is resolved.
op-follow = Follow
op-following = You follow this.
op-updates = Updates
op-no-updates = No updates yet.
op-desk = Kundeservice: handle the message
op-add-update = New update
op-update-text = Text (Markdown)
op-publish-update = Publish update
op-change = Change the message
op-no-severity = None (information only)
op-time-hint = Empty: not known. Format: dd.mm.yyyy hh:mm
op-note = Message to users (with the change)
op-publish-now = Publish now
op-cases = Linked cases
op-no-cases = No cases are linked to the message.
op-unlink = Remove
op-link-case = Link a case (case number)
op-case-hint = For example 2026-000123
op-link = Link
op-resolve-cases = Resolve all linked cases
op-resolve-button = Resolve the cases with this reply
op-affected = Affected users
op-no-affected = Nobody has said they are affected.
op-messages-heading = Operational messages
op-new-heading = New operational message
op-body = Text (Markdown)
op-body-hint = Markdown: **bold**, *italic*, lists and links. HTML is shown as text.
op-severity-hint = Required for an operational problem. Maintenance gives "Planned maintenance".
op-none-is-all = None chosen: all.
op-save-draft = Save as draft (only Kundeservice sees it)
op-create = Save operational message
op-none = No operational messages yet.
op-still-report = If yours is something else, report it below.
op-case-heading = Operational messages
op-case-none = The case is not linked to any operational message.
op-link-to = Link the case to
op-create-from-case = Create an operational message from the case
unsubscribe-heading = Unsubscribe
unsubscribe-button = Stop following
unsubscribe-gone = The subscription does not exist (any more).
subscriptions = What you follow
subscriptions-none = You follow no services or operational messages.
subscription-stop = Stop following
op-history-created = Created
op-by-system = Skranke (automatic)
org-contact-make = Make contact
org-contact-remove = Not contact
op-for-org = For my organisation (contact)
op-case-known = The fault is known and has an operational message. The latest is there:

# The service catalog
nav-catalog = Service catalog
catalog-heading = Service catalog
catalog-intro = The services Kundeservice delivers, with what is included, what to expect and who is responsible.
catalog-search = Search for a service
catalog-none = No services match the search.
catalog-uncategorised = Other services
catalog-status = Status
catalog-no-roles = No roles are given.
catalog-role = Role
catalog-holder = Responsible
catalog-section-description = Description of the service
catalog-section-included = What is included?
catalog-section-expectations = What can you expect?
catalog-section-cost = What does it cost?
catalog-section-contribute = How can you help it perform at its best?
catalog-section-more_info = Do you need more information?
catalog-section-roles = Roles
service-edit = Edit the description
service-roles-hint = The name of a person, a team or an organisation. Empty: the role is not given.
