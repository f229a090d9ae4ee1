# كلمات مكتب الموظفين (index.html وشاشات المكتب في ui/js).

## الصفحة وشريطها

desk-page-title = Issuance Station
desk-skip = انتقل إلى المحتوى
desk-brand = Issuance Station
desk-sandbox-badge = بيئة اختبار
    .title = محاكٍ محلي يحلّ محلّ خدمة الاعتمادات
desk-nav =
    .aria-label = الرئيسية
desk-nav-issue = إصدار
desk-nav-queue = قائمة الانتظار
desk-nav-history = السجل
desk-nav-settings = الإعدادات
desk-language-picker =
    .aria-label = اللغة
desk-not-connected = افتح هذه الصفحة في Issuance Station: فهي غير متصلة بأي محطة هنا.
desk-list-separator = {"، "}
desk-the-recipient = المستلم
desk-cancel = إلغاء
desk-back = رجوع

## الشاشة الرئيسية

desk-home-title = ماذا تريد أن تُصدر؟
desk-home-issue-list =
    .aria-label = الاعتمادات المتاحة للإصدار
desk-home-verify-title = التحقق من اعتماد
desk-home-startup-error = { $message } أصلِح ذلك في الإعدادات أو في ملف الإعداد.
desk-home-tile-issue =
    { $service } · { $count ->
        [zero] بلا حقول
        [one] حقل واحد
        [two] حقلان
        [few] { $count } حقول
        [many] { $count } حقلًا
       *[other] { $count } حقل
    }
desk-home-tile-verify = { $service } · اطلب من محفظة أن تقدّمه

## المستلم

desk-recipient-title = المستلم
desk-roster-label = ابحث في القائمة
desk-roster-hint = اكتب اسمًا أو معرّفًا؛ ‏↓ و↑ للتنقّل بين الأشخاص الذين عُثر عليهم، وEnter لاختيار أحدهم. أو املأ النموذج أدناه.
desk-roster-results =
    .aria-label = الأشخاص في القائمة
desk-roster-clear = ليس هذا الشخص
desk-roster-already-issued = صدر من قبل
desk-roster-none = لا يطابق أحد في القائمة.
desk-roster-found =
    { $count ->
        [zero] لم يُعثر على أحد.
        [one] عُثر على شخص واحد.
        [two] عُثر على شخصين.
        [few] عُثر على { $count } أشخاص.
        [many] عُثر على { $count } شخصًا.
       *[other] عُثر على { $count } شخص.
    }
desk-roster-picked-status = اختير { $name } من القائمة.
desk-roster-picked = من القائمة: { $name }
desk-roster-issued-note = لدى { $name } اعتماد { $credential } بالفعل.
desk-override-issue = أصدِره مرة أخرى
desk-override-reason = سبب إصداره مرة أخرى (يُحفظ في سجل التدقيق)
desk-override-needed = لدى { $name } هذا الاعتماد بالفعل: حدِّد «أصدِره مرة أخرى» واذكر السبب، أو اختر شخصًا آخر.
desk-override-reason-missing = اذكر سبب إصداره مرة أخرى.
desk-claim-required = الحقل «{ $field }» مطلوب
desk-create-request = اعرض رمز QR

## الصورة

desk-photo-title = الصورة
desk-photo-sources =
    .aria-label = من يلتقط الصورة
desk-photo-source-camera = كاميرا هذه المحطة
desk-photo-source-phone = هاتف المستلم
desk-photo-preview =
    .alt = معاينة الكاميرا
desk-photo-phone-qr =
    .aria-label = رمز QR لصفحة التصوير على هاتف المستلم
desk-photo-phone-scan = امسح هذا الرمز بكاميرا هاتفك، وافتح الصفحة، والتقط صورة لوجهك.
desk-photo-phone-private = تنتقل الصورة من الهاتف إلى خدمة الاعتمادات مباشرة؛ ولا تصل إلى هذه المحطة أبدًا.
desk-photo-phone-link = أو افتح هذا العنوان على جهاز يصل إلى الخدمة:
desk-photo-phone-simulate = هاتف محاكى: التقط الصورة
desk-photo-take = التقط الصورة
desk-photo-retake = أعِد الالتقاط
desk-photo-use = استخدم هذه الصورة
desk-photo-look-here = انظر إلى الكاميرا، ووجهك داخل الشكل البيضاوي. اضغط المسافة أو «التقط الصورة».
desk-photo-camera-ready = { $camera }. انظر إلى الكاميرا، ووجهك داخل الشكل البيضاوي. اضغط المسافة أو «التقط الصورة».
desk-photo-starting = جارٍ تشغيل الكاميرا…
desk-photo-checking = جارٍ فحص الصورة…
desk-photo-accepted = قُبلت الصورة ({ $width }×{ $height }، { NUMBER($kilobytes, maximumFractionDigits: 0) } كيلوبايت).
desk-photo-preparing = جارٍ تجهيز صفحة التصوير…
desk-photo-phone-not-started = في انتظار فتح الصفحة على الهاتف…
desk-photo-phone-started = الصفحة مفتوحة على الهاتف: في انتظار الصورة…
desk-photo-phone-complete = وصلت الصورة إلى الخدمة.

## الطلب على الشاشة

desk-flow-title = امسح رمز QR
desk-flow-qr =
    .aria-label = رمز QR للطلب
desk-flow-open-in-wallet = افتح في المحفظة
desk-flow-creating = جارٍ إنشاء الطلب…
desk-flow-renewing = جارٍ التجديد…
desk-flow-scan = امسح الرمز بمحفظتك
desk-flow-enter-pin = أدخل رمز PIN هذا في محفظتك
desk-flow-finish = أكمِل في محفظتك
desk-flow-reconnecting = جارٍ إعادة الاتصال بالخدمة… يبقى الطلب صالحًا
desk-flow-expires = ينتهي خلال { $time }
desk-flow-pin =
    .aria-label = رمز PIN ‏{ $digits }
desk-wallet-title = محفظة محاكاة
desk-wallet-sandbox-only = (في بيئة الاختبار فقط)
desk-wallet-open = مسح (فتح الطلب)
desk-wallet-pin-label = PIN
desk-wallet-enter-pin = أدخل PIN
desk-wallet-accept = قبول
desk-wallet-present = تقديم
desk-wallet-decline = رفض

## النتيجة

desk-result-issued = تم الإصدار
desk-result-issued-detail = الاعتماد الآن في المحفظة.
desk-result-verified = تم التحقق
desk-result-verified-detail = قدّمت المحفظة اعتمادًا صالحًا.
desk-result-expired = انتهت الصلاحية
desk-result-expired-detail = انتهت صلاحية الطلب قبل أن تُكمل المحفظة. ابدأ طلبًا جديدًا.
desk-result-queued = في قائمة الانتظار
desk-result-queued-detail = لا توجد شبكة — اعتماد { $credential } الخاص بـ{ $recipient } في قائمة الانتظار؛ سترسله المحطة عند عودة الشبكة.
desk-result-credential = الاعتماد
desk-result-failed = لم يكتمل
desk-result-failed-detail = حدث خطأ ما.
desk-result-why = السبب: { $why }
desk-result-code = الرمز: { $code }
desk-result-reset =
    { $seconds ->
        [zero] العودة إلى البداية الآن.
        [one] العودة إلى البداية خلال ثانية واحدة.
        [two] العودة إلى البداية خلال ثانيتين.
        [few] العودة إلى البداية خلال { $seconds } ثوانٍ.
        [many] العودة إلى البداية خلال { $seconds } ثانية.
       *[other] العودة إلى البداية خلال { $seconds } ثانية.
    }
desk-result-issuer = الجهة المُصدِرة
desk-result-revocation = الإلغاء
desk-result-face-check = التحقق من الوجه
desk-result-retry = طلب جديد
desk-result-verify = تحقّق منه الآن
desk-result-done = تم

## قائمة الانتظار

desk-queue-title = قائمة الانتظار
desk-queue-hint = تنتظر هنا الإصدارات التي تعذّر وصولها إلى خدمة الاعتمادات، وتُرسل تلقائيًا حين تستجيب الخدمة من جديد. والإصدار الجاهز ينتظر مستلمه عند المكتب.
desk-queue-filters =
    .aria-label = عرض
desk-queue-filter-all = الكل
desk-queue-filter-waiting = في الانتظار
desk-queue-filter-ready = جاهزة
desk-queue-filter-uncertain = تحتاج إلى قرار
desk-queue-filter-failed = فشلت
desk-queue-filter-done = منتهية
desk-queue-count = ({ $count })
desk-queue-caption = مهام الإصدار، الأحدث أولًا
desk-queue-col-recipient = المستلم
desk-queue-col-credential = الاعتماد
desk-queue-col-status = الحالة
desk-queue-col-attempts = المحاولات
desk-queue-col-next = المحاولة التالية
desk-queue-col-error = آخر خطأ
desk-queue-col-actions = الإجراءات
desk-queue-empty = لا شيء هنا.
desk-queue-status-queued = في الانتظار: بانتظار الشبكة
desk-queue-status-sending = جارٍ الإرسال…
desk-queue-status-sent = أُرسل: بانتظار المستلم
desk-queue-status-ready = جاهز: نادِ المستلم
desk-queue-status-at_desk = عند المكتب
desk-queue-status-uncertain = غير مؤكد: راجِع الخدمة، ثم أعِد المحاولة أو ألغِ
desk-queue-status-done = تم
desk-queue-status-failed = فشل
desk-queue-status-cancelled = أُلغي
desk-queue-details-deleted = (حُذفت التفاصيل)
desk-queue-next-attempt = { DATETIME($at, timeStyle: "medium") }
desk-queue-attempts = { $count }
desk-queue-start = ابدأ
    .aria-label = ابدأ { $credential } لـ{ $recipient }
desk-queue-retry = أعِد المحاولة
    .aria-label = أعِد محاولة { $credential } لـ{ $recipient }
desk-queue-cancel = إلغاء
    .aria-label = ألغِ { $credential } لـ{ $recipient }
desk-queue-retried = عاد { $credential } لـ{ $recipient } إلى قائمة الانتظار.
desk-queue-cancelled = أُلغي { $credential } لـ{ $recipient }.
desk-queue-no-template = لم يعد لدى هذه المحطة القالب «{ $template }»؛ ألغِ المهمة.

## السجل

desk-history-title = السجل
desk-history-caption = الإصدارات وعمليات التحقق الأخيرة، الأحدث أولًا
desk-history-col-when = الوقت
desk-history-col-credential = الاعتماد
desk-history-col-recipient = المستلم
desk-history-col-outcome = النتيجة
desk-history-outcome =
    { $outcome ->
        [issued] تم الإصدار
        [verified] تم التحقق
        [expired] انتهت الصلاحية
        [failed] فشل
        [cancelled] أُلغي
        [queued] في قائمة الانتظار
        [running] قيد التنفيذ
       *[other] { $outcome }
    }
desk-history-outcome-code = { $outcome } ({ $code })
desk-history-open = مجريات { $credential } في { $when }
desk-history-timeline = المجريات: { $credential }
desk-history-entry = { $time } — { $what }
desk-history-entry-code = { $time } — { $what } ({ $code })
desk-history-ignored = { $entry } — تم تجاهله: استُبدل الطلب

## شريط انقطاع الاتصال

desk-banner-offline =
    غير متصل — { $services ->
        [one] تعذّر الوصول إلى خدمة الاعتمادات.
        [two] تعذّر الوصول إلى خدمتَي الاعتمادات.
        [few] تعذّر الوصول إلى { $services } خدمات اعتمادات.
        [many] تعذّر الوصول إلى { $services } خدمةً للاعتمادات.
       *[other] تعذّر الوصول إلى { $services } خدمة اعتمادات.
    } { $queued ->
        [0] الإصدارات التي تبدأ الآن تدخل قائمة الانتظار وتُرسل تلقائيًا عند عودة الشبكة.
        [one] إصدار واحد في قائمة الانتظار؛ سيُرسل تلقائيًا عند عودة الشبكة.
        [two] إصداران في قائمة الانتظار؛ سيُرسلان تلقائيًا عند عودة الشبكة.
        [few] { $queued } إصدارات في قائمة الانتظار؛ ستُرسل تلقائيًا عند عودة الشبكة.
        [many] { $queued } إصدارًا في قائمة الانتظار؛ ستُرسل تلقائيًا عند عودة الشبكة.
       *[other] { $queued } إصدار في قائمة الانتظار؛ ستُرسل تلقائيًا عند عودة الشبكة.
    }
desk-banner-queued =
    { $queued ->
        [one] إصدار واحد ينتظر الإرسال.
        [two] إصداران ينتظران الإرسال.
        [few] { $queued } إصدارات تنتظر الإرسال.
        [many] { $queued } إصدارًا ينتظر الإرسال.
       *[other] { $queued } إصدار ينتظر الإرسال.
    }
desk-banner-ready = الجاهزون ({ $ready }): نادِ { $names }
desk-banner-ready-more = الجاهزون ({ $ready }): نادِ { $names }، …
desk-banner-a-recipient = مستلمًا
desk-banner-open-queue = افتح قائمة الانتظار
