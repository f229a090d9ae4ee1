# كلمات كشك الخدمة الذاتية (انظر en/kiosk.ftl).

## شاشة الترحيب

kiosk-attract-title = احصل على شارتك
kiosk-attract-lead = قرّب رمز QR الموجود على تذكرتك من الكاميرا، أو اكتب رمز التسجيل المطبوع عليها.
kiosk-scan = امسح تذكرتي
kiosk-type = اكتب رمز تسجيلي
kiosk-preview =
    .alt = ما تراه الكاميرا
kiosk-scan-looking = جارٍ البحث عن تذكرتك…
kiosk-scan-hint = قرّب رمز QR الخاص بتذكرتك من الكاميرا، على بُعد ذراع تقريبًا.
kiosk-scan-reading = عُثر على التذكرة. جارٍ البحث عن تسجيلك…
kiosk-camera-trouble = الكاميرا لا تعمل الآن. اكتب رمز التسجيل بدلًا من ذلك، أو اسأل في مكتب الموظفين.

## كتابة الرمز

kiosk-code-title = اكتب رمز التسجيل
kiosk-code-label = رمز التسجيل (مطبوع على تذكرتك)
kiosk-code-find = ابحث عن شارتي
kiosk-code-empty = اكتب الرمز المطبوع على تذكرتك.
kiosk-code-finding = جارٍ البحث عن تسجيلك…
kiosk-back = رجوع

## هل هذا أنت؟

kiosk-confirm-title = هل هذا أنت؟
kiosk-confirm-queued = جُهّزت شارتك مسبقًا وهي جاهزة لمحفظتك.
kiosk-confirm-yes = نعم، هذا أنا
kiosk-confirm-no = لا

## رسائل، يتبع كلًّا منها «يُرجى السؤال في مكتب الموظفين.»

kiosk-ask-staff = يُرجى السؤال في مكتب الموظفين.
kiosk-ok = حسنًا
kiosk-not-you-title = نعتذر عن ذلك
kiosk-not-you-detail = يبدو أن هذه التذكرة تخص شخصًا آخر.
kiosk-not-found-title = لم نعثر على هذا الرمز
kiosk-not-found-detail = تحقّق من الرمز على تذكرتك وحاول مرة أخرى.
kiosk-already-title = لديك شارتك بالفعل
kiosk-already-detail = صدرت شارة لهذه التذكرة من قبل.
kiosk-slow-down-title = يُرجى الانتظار قليلًا
kiosk-slow-down-detail =
    { $seconds ->
        [zero] لم يُعثر على عدد كبير جدًا من الرموز. حاول مرة أخرى الآن.
        [one] لم يُعثر على عدد كبير جدًا من الرموز. حاول مرة أخرى بعد ثانية واحدة.
        [two] لم يُعثر على عدد كبير جدًا من الرموز. حاول مرة أخرى بعد ثانيتين.
        [few] لم يُعثر على عدد كبير جدًا من الرموز. حاول مرة أخرى بعد { $seconds } ثوانٍ.
        [many] لم يُعثر على عدد كبير جدًا من الرموز. حاول مرة أخرى بعد { $seconds } ثانية.
       *[other] لم يُعثر على عدد كبير جدًا من الرموز. حاول مرة أخرى بعد { $seconds } ثانية.
    }
kiosk-camera-title = الكاميرا لا تعمل
kiosk-camera-detail = لا يمكن التقاط صورتك الآن.
kiosk-trouble-title = حدث خطأ ما
kiosk-trouble-detail = لا يستطيع هذا الكشك إصدار شارتك الآن.

## العدّ التنازلي عند الخمول

kiosk-idle-note = هل ما زلت هنا؟ ستعود هذه الشاشة إلى البداية قريبًا، وتنسى ما أدخلته.
kiosk-idle-count = { $seconds }
kiosk-idle-stay = ما زلت هنا
