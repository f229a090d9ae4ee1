# بطاقة الشارة المطبوعة بعد الإصدار (شاشة النتيجة).
badge-printing = جارٍ طباعة الشارة…
badge-printed = أُرسلت الشارة إلى الطابعة { $printer }.
badge-saved = حُفظت الشارة باسم { $path } (تُحذف بعد مهلة قائمة الانتظار).
badge-not-printed = لم تُطبع الشارة: { $why }
badge-print-again = اطبع مرة أخرى
