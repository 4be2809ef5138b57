import { defineErrors } from '../core/errors.js';

export const ReportsErrors = defineErrors({
  REPORT_RANGE_INVALID: { status: 400, message: 'The period {from} – {to} is not valid: give ISO times with from before to, at most five years apart.' },
  REPORT_DRILL_UNSUPPORTED: { status: 400, message: 'The figure {metric} of a {dim} report has no list of dialogs behind it.' },
  REPORT_EXPORT_TOO_LARGE: { status: 413, message: 'This export would have more than {max} rows; choose a shorter period.' },
  REPORT_SETTINGS_INVALID: { status: 400, message: 'The amber threshold must come before the red one ({field}).' },
  REPORT_SCHEDULE_NOT_FOUND: { status: 404, message: 'There is no scheduled report {id}.' },
  REPORT_MAILBOX_NOT_FOUND: { status: 404, message: 'There is no mailbox {id} to send reports from.' },
  REPORT_TIMEZONE_UNKNOWN: { status: 400, message: '{tz} is not a time zone this server knows (e.g. Europe/Kyiv).' },
  REPORT_TOO_MANY_PERIODS: { status: 400, message: 'The chart would have more than {max} points; choose a coarser grouping or a shorter period.' },
  REPORT_STAFFING_UNREACHABLE: { status: 400, message: 'No number of agents up to 2000 reaches this service level; check the figures.' },
  REPORT_BUSINESS_HOURS_INVALID: { status: 400, message: 'Business hours must end after they start ({start} – {end}).' },
  REPORT_MAIL_UNAVAILABLE: { status: 409, message: 'Reports cannot be mailed: {reason}' },
});
