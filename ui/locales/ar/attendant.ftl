# كلمات شاشة المشرف (انظر en/attendant.ftl).

attendant-nav = المشرف
attendant-title = المشرف
attendant-hint = كيف سارت آخر 12 ساعة في هذه المحطة، وما ينتظر في قائمة انتظارها. يُحدَّث كل 10 ثوانٍ ما دامت هذه الشاشة مفتوحة.

## الملخص

attendant-issued = صدرت
attendant-failed = فشلت
attendant-success-rate = نسبة النجاح
attendant-rate = { NUMBER($rate, style: "percent", maximumFractionDigits: 0) }
attendant-rate-none = لم ينتهِ أي إصدار بعد
attendant-queue-depth = المهام المفتوحة في قائمة الانتظار
attendant-queue-breakdown = في الانتظار { $queued } · قيد الإرسال { $sending } · أُرسلت وتنتظر المستلم { $sent } · جاهزة { $ready } · عند المكتب { $atDesk } · غير مؤكدة { $uncertain }
attendant-updated = حُدّث في { DATETIME($at, timeStyle: "medium") }

## الرسم البياني، والجدول الذي يقول الشيء نفسه لقارئ الشاشة

attendant-chart-title = الإصدارات في الساعة
attendant-chart =
    .aria-label = مخطط أعمدة لآخر 12 ساعة: صدر { $issued }، وفشل { $failed }. يعرض الجدول التالي كل ساعة.
attendant-legend-issued = صدرت
attendant-legend-failed = فشلت (مظلّلة بخطوط، وعليها ✕)
attendant-hour = { DATETIME($start, hour: "2-digit", minute: "2-digit") }
attendant-hour-range = { DATETIME($start, hour: "2-digit", minute: "2-digit") }–{ DATETIME($end, hour: "2-digit", minute: "2-digit") }
attendant-bar-failed = ✕{ $count }
attendant-table-caption = الإصدارات في الساعة، الأقدم أولًا
attendant-col-hour = الساعة
attendant-col-issued = صدرت
attendant-col-failed = فشلت

## الإخفاقات حسب السبب

attendant-reasons-title = الإخفاقات حسب السبب
attendant-reason = { $code }: { $count }
attendant-reason-explained = { $code }: { $count } — { $explanation }
attendant-no-failures = لا إخفاقات في آخر 12 ساعة.
