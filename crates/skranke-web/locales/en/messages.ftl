## Names of what travels as English keys, errors, confirmations,
## notifications, and how dates and durations are written (English).

priority-critical = Critical
priority-high = High
priority-medium = Medium
priority-low = Low
status-new = New
status-in_progress = In progress
status-waiting_customer = Waiting for the user
status-waiting_supplier = Waiting for a supplier
status-resolved = Resolved
status-closed = Closed
kind-fault = Fault report
kind-order = Order (call-off)
channel-web = Web
channel-email = E-mail
channel-phone = Phone
channel-api = API
user-kind-employee = Employee
user-kind-pupil = Pupil
user-kind-guardian = Guardian
user-kind-agent = Agent
user-kind-admin = Administrator
audit-login_succeeded = Login
audit-login_failed = Failed login
audit-login_throttled = Login refused (too many attempts)
audit-logout = Logout
audit-logout_everywhere = Logged out everywhere
audit-password_changed = Password changed
audit-password_reset = Password reset
audit-token_created = API key made
audit-token_deleted = API key deleted
audit-user_created = User created
audit-user_activated = User activated
audit-user_deactivated = User deactivated
audit-user_team_changed = Team changed
audit-organization_created = Organisation created
audit-unit_created = Unit created
audit-team_created = Team created
audit-mail_released = E-mail released from quarantine
audit-mail_deleted = E-mail in quarantine deleted
audit-service_created = Service created
notice-assigned = Assigned to you
notice-requester_replied = Requester replied
notice-reopened = Reopened
notice-escalated = Escalated
notice-received = Receipt for a new case
notice-replied = A new answer on the case
notice-waiting_for_you = Waiting for your answer
notice-resolved = Case resolved
notice-copied = Copied on a case

## Fields, by their API names

field-copied = Copied to
field-title = Title
field-description = Description
field-computer_name = Computer name
field-requester_username = Username
field-body = The message
field-kind = Type of case
field-service_id = Service
field-priority = Priority
field-status = Status
field-handler = Handler
field-username = Username
field-full_name = Name
field-email = E-mail
field-password = Password
field-name = Name
field-domains = E-mail domains
field-org_id = Organisation
field-unit_id = Unit
field-team_id = Team
field-requester = Requester
field-attachment = Attachment
field-version = The case
field-agreed_deadline = Agreed deadline
field-agreed_deadline_reason = The reason
field-reason = The reason
field-internal = Internal note
field-current = Current password
field-new = New password
field-repeat = Repeat the new password
field-active = Active
field-phone = Phone
field-expires_in_days = The validity
field-form = The form
field-follows = Earlier case
field-locale = The language

## Errors

error-required = { $field } is required.
error-too-long = { $field } cannot be longer than { $max } characters.
error-too-long-js = The text is { $count } characters; it cannot be longer than { $max }. Shorten it before you send – nothing has been sent yet.
error-invalid-chars = { $field } contains characters that are not allowed.
error-not-allowed = { $field } cannot be set by you.
error-in-past = { $field } cannot be in the past.
error-not-active-agent = { $field } must be an active agent.
error-not-copyable = { $field } must be an active customer other than the requester.
error-too-many = { $field }: no more than { $max }.
error-invalid-choice = { $field } is not a valid choice.
error-must-choose = { $field } must be chosen.
error-taken = { $field } is already in use.
error-unknown = { $field } does not exist.
error-datetime = { $field } is not a time Skranke understands. Write a date and time, for example { $example }.
error-rfc3339 = { $field } must be an RFC 3339 instant, for example 2026-12-02T10:15:00+01:00.
error-deadline-with-reason = An agreed deadline must come with its reason.
error-not-utf8 = { $field } contains characters that could not be read (the text is not UTF-8). Please type it again.
error-follows-unknown = Case { $number } is not among your cases.
error-follows-not-theirs = { $field } is not a case of this requester.
error-register-for-others = Only agents can register cases for others.
error-username-chars = A username can only contain the letters a–z, digits, full stops, hyphens and underscores.
error-no-customer = No customer has this e-mail address, and its domain belongs to no organisation we serve.
error-email = E-mail is not a valid e-mail address.
error-domains = E-mail domains must be domains like kommune-a.no.
error-range = { $field } must be from { $min } to { $max }.
error-length-range = { $field } must have from { $min } to { $max } characters.
error-unknown-value = { $field }: "{ $value }" is not a value Skranke knows.
error-unknown-field = "{ $field }" is not a field here.
error-not-boolean = { $field } must be true or false.
error-if-match = If-Match must be the case's ETag.
error-idempotency-key = { $field } must be 1 to { $max } visible ASCII characters.
error-idempotency-mismatch = The Idempotency-Key was used for another request in the last 24 hours.
error-repeat-mismatch = The repeated password is not the same as the new password.
error-wrong-password = The current password is not right.
error-password-short = { $field } must have at least 12 characters.
error-password-long = { $field } can have at most 256 characters.
error-password-guessable = { $field } is too easy to guess: it looks like common passwords, words or your name. Try several words that do not belong together.
error-cannot-deactivate-self = You cannot deactivate yourself.
error-file-too-big = The file "{ $name }" is too big: each file can be at most { $max }. Choose a smaller file – your text has been kept.
error-malformed = The form could not be read: { $detail }
error-unchanged = The case already has this status.
error-back-to-new = A case cannot go back to "New".
error-not-resolved = Only a resolved case can be confirmed.
error-not-finished = Only a resolved or closed case can be reopened.
error-reopen-window-passed = The time for reopening the case has passed. Please report a new case that refers to this one – your text has been kept.
error-case-closed = The case is closed and takes no more messages. Please report a new case that refers to this one – your text has been kept.
error-closed-reply = The case is closed. Confirm that the reply should be sent anyway.
error-not-customer = Pupils and guardians are not customers of Customer Service and cannot report cases here. Please contact your school (contact teacher or the school's IT contact), and they will help you further.
error-login-failed = Wrong username or password.
error-throttled-seconds = { $count ->
    [one] Too many failed logins. Wait one second before you try again.
   *[other] Too many failed logins. Wait { $count } seconds before you try again.
}
error-throttled-minutes = Too many failed logins from this machine. Wait { $count } minutes before you try again.
error-token-read-only = The key may only read (scope `read`); this request needs `write`.
error-csrf = The form has expired or did not come from Skranke. Go back, reload the page and try again.
error-not-found = We cannot find the page or the case. Perhaps the link is wrong, or the case belongs to someone else.
error-unauthenticated = You must log in.
error-forbidden = You do not have access to this page.
error-internal = Something went wrong on our side. Please try again in a little while; the fault has been logged.
error-too-large = The request or its attachments are too big. Go back and choose smaller files.
error-conflict-version = Someone else changed the case since you opened it. Reload the page and try again.
error-unavailable = Skranke is very busy right now. Please try again in a few seconds.
error-unsupported-media-type = The content is not in a format Skranke accepts here.
error-version-required = The change must say which version of the case it is based on.
error-timeout = The request did not arrive in time. Please try again.
api-not-found = No such resource (or it is not yours).
api-unauthenticated = Send a valid token as `Authorization: Bearer <token>`.
api-precondition-required = Send the `version` you last read, or `If-Match` with the case's `ETag`.

## Confirmations after an action

flash-registered = The case is registered as number { $number } and assigned to { $handler }.
flash-registered-unassigned = The case is registered as number { $number }. It will be assigned to a handler as soon as possible.
flash-reply-sent = The reply has been sent.
flash-reply-status = The reply has been sent, and the status is now "{ $status }".
flash-note-saved = The note has been saved.
flash-message-sent = Your message has been sent.
flash-message-reopened = Your message has been sent, and the case is open again.
flash-status = The status is now "{ $status }".
flash-priority = The priority is now "{ $priority }".
flash-priority-confirmed = The priority "{ $priority }" is confirmed.
flash-assigned = The case is assigned to { $handler }.
flash-unassigned = The case is no longer assigned to anyone.
flash-deadline = The agreed deadline is { $when }.
flash-unchanged = Nothing was changed.
flash-confirmed = Thank you! The case is closed.
flash-copied = { $name } is now copied on the case.
flash-uncopied = { $name } is no longer copied on the case.
flash-reopened = The case is open again, and the handler has been told.
flash-all-read = All notifications are marked as read.
flash-read = The notification is marked as read.
flash-mail-released = The e-mail is released from quarantine and is now case { $number }.
error-mail-held = The e-mail cannot become a case and is still in quarantine: { $reason }
flash-mail-choices = Your e-mail choices are saved.
flash-mail-deleted = The e-mail is deleted.
flash-token-deleted = The key has been deleted.
flash-password-changed = Your password has been changed. You are logged out everywhere else.
flash-language = The language has been saved.
flash-logged-out = You are logged out.
flash-user-created = The user { $username } has been created.
flash-user-activated = { $username } is activated.
flash-user-deactivated = { $username } is deactivated and logged out.
flash-team-set = The team of { $username } has been changed.
flash-created = "{ $name }" has been created.

## Notifications

notice-text-assigned = A new case for you: { $number } "{ $title }".
notice-text-assigned-by = { $actor } gave you case { $number } "{ $title }".
notice-text-requester_replied = { $actor } replied on case { $number } "{ $title }".
notice-text-reopened = Case { $number } "{ $title }" was reopened by { $actor }.
notice-text-escalated = Case { $number } "{ $title }": { $clock } exceeded, escalated to level { $level } ({ $level_name }).
notice-text-escalated-late = Case { $number } "{ $title }": { $clock } exceeded, escalated to level { $level } ({ $level_name }). Notified late.
notice-text-received = We have received your case { $number } "{ $title }".
notice-text-replied = { $actor } replied on case { $number } "{ $title }".
notice-text-waiting_for_you = The service desk is waiting for your answer on case { $number } "{ $title }".
notice-text-resolved = Case { $number } "{ $title }" is resolved.
notice-text-copied = { $actor } has copied you on case { $number } "{ $title }".

## E-mail from Skranke: subjects (after the case tag) and paragraphs.
mail-subject-received = Received: { $title }
mail-subject-replied = { $title }
mail-subject-waiting_for_you = Waiting for your answer: { $title }
mail-subject-resolved = Resolved: { $title }
mail-subject-copied = Copied to you: { $title }
mail-subject-assigned = A new case for you: { $title }
mail-subject-requester_replied = Requester replied: { $title }
mail-subject-reopened = Reopened: { $title }
mail-subject-escalated = Escalated to level { $level }: { $title }
mail-subject-auto-reply = Automatic reply from { $portal }
mail-greeting = Hello { $name },
mail-greeting-anonymous = Hello,
mail-received-lead = We have received your inquiry and registered it as case { $number }.
mail-received-handler = Handler: { $handler }.
mail-received-no-handler = The case will be given to a handler as soon as possible.
mail-received-due = Priority: { $priority }. You can expect an answer by { $due }.
mail-replied-lead = { $actor } replied on case { $number }:
mail-waiting-lead = We need your answer before we can go on with case { $number }.
mail-resolved-lead = Case { $number } is resolved.
mail-copied-lead = { $actor } has copied you on case { $number } "{ $title }".
mail-copied-what = You will get e-mail when Kundeservice answers or the case changes status, and you can read the case in the portal. To stop, remove yourself on the case page.
mail-resolved-how = If all is well, you can confirm in the portal that the case is resolved. If the problem is not solved, answer this e-mail within { $days } days and we will reopen the case.
mail-answer-hint = Answer this e-mail to write on the case; the text above your answer is kept.
mail-escalated-lead = Case { $number } "{ $title }" ({ $priority }): { $clock } exceeded, and the case is escalated to level { $level } ({ $level_name }).
mail-escalated-handler = Handler: { $handler }.
mail-auto-reply-lead = Thank you for your e-mail. The service desk takes inquiries from employees of its customer organisations, so it cannot handle your message.
mail-auto-reply-help = If you are a pupil or a guardian, please contact your school. If you work for a customer organisation, write from your work address or call us on { $phone }.
mail-link = See the case: { $url }
mail-signature = Kind regards, { $portal }
escalation-text = { $level_name }: case { $number } "{ $title }" ({ $priority }) – { $clock } exceeded, level { $level } reached { $at }
escalation-text-late = { $level_name }: case { $number } "{ $title }" ({ $priority }) – { $clock } exceeded, level { $level } reached { $at } (late notice)
level-n = Level { $level }
escalation-line = { $clock }: level { $level } reached { $at }
escalation-line-late = { $clock }: level { $level } reached { $at } (notified late { $recorded })
escalated-level = Escalated level { $level }

## Deadlines in words

clock-left = { $left } left
clock-overdue = Overdue by { $over }
clock-paused = Paused – { $left } left when the case moves on
clock-met = Met { $at }
clock-met-late = Met { $at } (late)
expect-answer = You will have an answer by { $when }.
expect-answer-late = We should have answered you by { $when }. We are sorry it takes time – your case is not forgotten.
expect-solution = The case is expected to be solved by { $date }.
expect-solution-late = The case should have been solved by { $date }. We are still working on it.
expect-agreed = As agreed, the case is to be solved by { $when }.
expect-waiting-you = We are waiting for your answer. Write it below, and the case moves on.
expect-waiting-supplier = We are waiting for a supplier. You will hear from us.
span-minutes = { $minutes } min
span-hours = { $hours } h
span-hours-minutes = { $hours } h { $minutes } min
span-workdays = { $days ->
    [one] { $days } working day
   *[other] { $days } working days
}
span-workday-hours = 1 working day and { $hours } h
span-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
span-day-hours = 1 day and { $hours } h
amount-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
amount-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
amount-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
amount-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
size-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}

## History

history-created = Case { $number } registered
history-public-reply = Reply to the requester
history-internal-note = Internal note
history-requester-message = Message from the requester
history-priority-confirmed = Priority confirmed: { $priority }
history-change = { $field }: { $old } → { $new }
history-note = { $text } ({ $note })
history-after-message = { $text } (after a message)
history-note-after-message = { $text } (after a message; { $note })
changed-meanwhile-line = { $at }, { $actor }: { $change }

## Dates

datetime-short = { $day }.{ $month }.{ $year } { $time }
datetime-long = { $weekday } { $day } { $month } at { $time }
date-long = { $weekday } { $day } { $month }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
mail-no-subject = (no subject)

# Operational messages and service status
notice-status_update = Operational messages you follow
op-kind-outage = Operational problem
op-kind-maintenance = Planned maintenance
op-kind-change = Change
op-state-planned = Planned
op-state-active = Ongoing
op-state-resolved = Resolved
severity-degraded = Reduced availability
severity-unavailable = Unavailable
service-status-available = The service is available
service-status-degraded = Reduced availability
service-status-unavailable = The service is unavailable
service-status-maintenance = Planned maintenance in progress
field-severity = Severity
field-services = Affected services
field-orgs = Affected organisations
field-starts_at = Start
field-ends_at = Expected end
field-published = Published
field-state = State
field-case = Case
field-note = Message
error-before-start = { $field } must come after the start.
error-op-changed = Someone else changed the operational message while you were writing. See the new version and try again.
error-op-not-open = The operational message is resolved; report your case if you still have problems.
error-not-org-contact = Only the organisation's contact can subscribe on its behalf.
error-one-of-service-message = Give either a service or an operational message.
flash-op-created = The operational message is saved.
flash-op-saved = The change is saved.
flash-op-update-added = The update is published.
flash-op-concerns-me = Noted: this concerns you too. You will be told when it is resolved.
flash-op-following = You now follow this and will be told of every update.
flash-op-unfollowed = You no longer follow this.
flash-op-case-linked = Case { $number } is linked to the operational message.
flash-op-case-unlinked = Case { $number } is no longer linked to the operational message.
flash-op-cases-resolved = { $count } cases are resolved with the reply. { $skipped } were finished already or were not changed.
notice-text-status_update = New update: "{ $message }".
mail-subject-status_update = { $kind }: { $title }
mail-status-published = New operational message ({ $kind }): "{ $title }". State: { $state }.
mail-status-update = New update on "{ $title }". State: { $state }.
mail-status-state = "{ $title }" is now: { $state }.
mail-status-when = From { $start }. Expected end: { $end }.
mail-status-link = See the operational message: { $url }
mail-status-unsubscribe = You get this e-mail because you follow this. Stop with one click: { $url }
op-end-unknown = not known yet
op-case-finished = The case was finished already.
op-event-published = Published
op-event-update = Update
op-event-state = New state: { $state }
op-feed-title = Operational messages from Kundeservice
op-feed-service-title = Operational messages: { $service }
op-from = From { $when }
op-expected-end = expected end { $when }
op-from-case = Made from case { $number }, which is linked to the message.
op-resolve-text = Reply to all { $count } open cases (they are resolved with this reply)
op-start-hint = Empty: now. Format: { $example }
unsubscribe-ask = Do you want to stop following "{ $what }"?
unsubscribe-done = You no longer follow "{ $what }".
op-history-linked = Case { $number } linked
op-history-unlinked = Case { $number } removed
flash-org-contact-made = { $username } is now their organisation's contact.
flash-org-contact-removed = { $username } is no longer a contact.
error-not-org-member = Only a customer of an organisation can be its contact.
audit-org_contact_changed = Contact changed
field-org_contact = Contact
field-for_organization = For the organisation
audit-service_updated = Service updated
role-owner = Service owner
role-manager = Service manager
role-operations = Operations
error-invalid-key = { $field }: only lower-case letters, digits and hyphens.
error-role-twice = { $field }: each role only once.
field-category = Category
field-key = Key
field-roles = Roles
service-edit-heading = Edit { $name }
flash-service-saved = The description of { $name } is saved.
