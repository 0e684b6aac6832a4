# ruff: noqa: RUF001 (notes in Arabic script: their letters are meant)
"""A note in each script a council's children and families write in (issue 18): what each says is
"The child said the kitchen is clean and safe" (or close to it), written by hand for these tests."""

SAMPLES: dict[str, str] = {
    "Bengali": "শিশুটি বলেছে রান্নাঘর পরিষ্কার এবং নিরাপদ।",
    "Punjabi (Gurmukhi)": "ਬੱਚੇ ਨੇ ਕਿਹਾ ਕਿ ਰਸੋਈ ਸਾਫ਼ ਅਤੇ ਸੁਰੱਖਿਅਤ ਹੈ।",
    "Gujarati": "બાળકે કહ્યું કે રસોડું સ્વચ્છ અને સુરક્ષિત છે.",
    "Tamil": "சமையலறை சுத்தமாகவும் பாதுகாப்பாகவும் உள்ளது என்று குழந்தை சொன்னது.",
    "Tigrinya": "እቲ ቆልዓ ክሽነ ጽሩይን ውሑስን እዩ ኢሉ።",
    "Amharic": "ልጁ ወጥ ቤቱ ንጹህና ደህንነቱ የተጠበቀ ነው አለ።",
    "Urdu": "بچے نے کہا کہ باورچی خانہ صاف اور محفوظ ہے۔",
    "Arabic": "قال الطفل إن المطبخ نظيف وآمن ولا يوجد خطر.",
    "Persian": "کودک گفت که آشپزخانه تمیز و امن است.",
    "Chinese": "孩子说厨房干净又安全。",
    "Polish": "Dziecko powiedziało, że kuchnia jest czysta i bezpieczna.",
    "Romanian": "Copilul a spus că bucătăria este curată și sigură.",
}
