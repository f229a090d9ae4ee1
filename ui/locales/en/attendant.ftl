# The attendant screen's words (index.html's attendant section and
# ui/js/attendant.js): how the last 12 hours went at a glance, for whoever
# looks after several kiosks.

attendant-nav = Attendant
attendant-title = Attendant
attendant-hint = How the last 12 hours went at this station, and what waits in its queue. Updated every 10 seconds while this screen is open.

## The summary

attendant-issued = Issued
attendant-failed = Failed
attendant-success-rate = Success rate
# $rate: issued ÷ (issued + failed), between 0 and 1.
attendant-rate = { NUMBER($rate, style: "percent", maximumFractionDigits: 0) }
attendant-rate-none = No issuance ended yet
attendant-queue-depth = Open jobs in the queue
attendant-queue-breakdown = Queued { $queued } · Sending { $sending } · Sent, waiting for the recipient { $sent } · Ready { $ready } · At the desk { $atDesk } · Uncertain { $uncertain }
# $at: when the numbers were read.
attendant-updated = Updated { DATETIME($at, timeStyle: "medium") }

## The chart, and the table that says the same for a screen reader

attendant-chart-title = Issuances per hour
# The chart's accessible name; the hidden table after it gives each hour.
attendant-chart =
    .aria-label = Bar chart of the last 12 hours: { $issued } issued, { $failed } failed. The table that follows gives each hour.
attendant-legend-issued = Issued
attendant-legend-failed = Failed (hatched, marked ✕)
# $start: the hour's first moment, as the bar's label under it.
attendant-hour = { DATETIME($start, hour: "2-digit", minute: "2-digit") }
# $start, $end: the hour, for the table.
attendant-hour-range = { DATETIME($start, hour: "2-digit", minute: "2-digit") }–{ DATETIME($end, hour: "2-digit", minute: "2-digit") }
# Over a bar: the failures of that hour.
attendant-bar-failed = ✕{ $count }
attendant-table-caption = Issuances per hour, oldest first
attendant-col-hour = Hour
attendant-col-issued = Issued
attendant-col-failed = Failed

## Failures by reason

attendant-reasons-title = Failures by reason
# $code: the failure's stable code, e.g. provider.unreachable.
attendant-reason = { $code }: { $count }
# $explanation: what the code means, from errors.ftl.
attendant-reason-explained = { $code }: { $count } — { $explanation }
attendant-no-failures = No failures in the last 12 hours.
