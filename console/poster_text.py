"""The poster's few words in each language the buyer web speaks (the same wording as the web's own
catalogs where the web has the phrase), and the script each language is written in, for its font."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PosterText:
    language: str  # its own name, for the organiser's list
    script: str  # the Noto font family suffix: "" for Latin, "Devanagari", "Tamil"…
    lucky_draw: str
    per_ticket: str  # with {price}
    prizes: str
    closes: str  # with {when}
    scan: str
    or_open: str
    steps: str


TEXTS = {
    "en": PosterText(
        "English", "", "Lucky Draw", "{price} a ticket", "Prizes", "Sales close {when}",
        "Scan with your phone camera to book", "or open",
        "Pick your numbers · Pay with any UPI app · Booked in seconds",
    ),
    "hi": PosterText(
        "हिन्दी", "Devanagari", "लकी ड्रॉ", "{price} प्रति टिकट", "इनाम", "बिक्री बंद: {when}",
        "बुक करने के लिए फ़ोन के कैमरे से स्कैन करें", "या खोलें",
        "अपने नंबर चुनें · किसी भी UPI ऐप से पेमेंट करें · कुछ सेकंड में बुकिंग पक्की",
    ),
    "mr": PosterText(
        "मराठी", "Devanagari", "लकी ड्रॉ", "{price} प्रति तिकीट", "बक्षिसे", "विक्री बंद: {when}",
        "बुक करण्यासाठी फोनच्या कॅमेऱ्याने स्कॅन करा", "किंवा उघडा",
        "तुमचे नंबर निवडा · कोणत्याही UPI ॲपने पैसे भरा · काही सेकंदांत बुकिंग पक्की",
    ),
    "ta": PosterText(
        "தமிழ்", "Tamil", "லக்கி டிரா", "ஒரு டிக்கெட் {price}", "பரிசுகள்", "விற்பனை முடிவு: {when}",
        "பதிவு செய்ய போன் கேமராவால் ஸ்கேன் செய்யுங்கள்", "அல்லது திறக்கவும்",
        "எண்களைத் தேர்ந்தெடுங்கள் · எந்த UPI ஆப்பிலும் பணம் செலுத்துங்கள் · சில விநாடிகளில் உறுதி",
    ),
    "bn": PosterText(
        "বাংলা", "Bengali", "লাকি ড্র", "প্রতি টিকিট {price}", "পুরস্কার", "বিক্রি বন্ধ: {when}",
        "বুক করতে ফোনের ক্যামেরা দিয়ে স্ক্যান করুন", "অথবা খুলুন",
        "নম্বর বেছে নিন · যেকোনো UPI অ্যাপে টাকা দিন · কয়েক সেকেন্ডে বুকিং নিশ্চিত",
    ),
    "te": PosterText(
        "తెలుగు", "Telugu", "లక్కీ డ్రా", "ఒక్కో టికెట్ {price}", "బహుమతులు", "అమ్మకాలు ముగింపు: {when}",
        "బుక్ చేయడానికి ఫోన్ కెమెరాతో స్కాన్ చేయండి", "లేదా తెరవండి",
        "మీ నంబర్లు ఎంచుకోండి · ఏ UPI యాప్‌తోనైనా చెల్లించండి · కొన్ని సెకన్లలో బుకింగ్ ఖరారు",
    ),
    "gu": PosterText(
        "ગુજરાતી", "Gujarati", "લકી ડ્રૉ", "ટિકિટ દીઠ {price}", "ઇનામો", "વેચાણ બંધ: {when}",
        "બુક કરવા ફોનના કેમેરાથી સ્કેન કરો", "અથવા ખોલો",
        "તમારા નંબર પસંદ કરો · કોઈપણ UPI એપથી ચૂકવો · થોડી સેકન્ડમાં બુકિંગ પાકું",
    ),
    "kn": PosterText(
        "ಕನ್ನಡ", "Kannada", "ಲಕ್ಕಿ ಡ್ರಾ", "ಪ್ರತಿ ಟಿಕೆಟ್ {price}", "ಬಹುಮಾನಗಳು", "ಮಾರಾಟ ಮುಕ್ತಾಯ: {when}",
        "ಬುಕ್ ಮಾಡಲು ಫೋನ್ ಕ್ಯಾಮೆರಾದಿಂದ ಸ್ಕ್ಯಾನ್ ಮಾಡಿ", "ಅಥವಾ ತೆರೆಯಿರಿ",
        "ನಿಮ್ಮ ಸಂಖ್ಯೆಗಳನ್ನು ಆರಿಸಿ · ಯಾವುದೇ UPI ಆ್ಯಪ್‌ನಲ್ಲಿ ಪಾವತಿಸಿ · ಕೆಲವೇ ಸೆಕೆಂಡುಗಳಲ್ಲಿ ಬುಕಿಂಗ್ ಖಚಿತ",
    ),
    "ml": PosterText(
        "മലയാളം", "Malayalam", "ലക്കി ഡ്രോ", "ഒരു ടിക്കറ്റിന് {price}", "സമ്മാനങ്ങൾ", "വിൽപ്പന അവസാനിക്കുന്നത്: {when}",
        "ബുക്ക് ചെയ്യാൻ ഫോൺ ക്യാമറ കൊണ്ട് സ്കാൻ ചെയ്യുക", "അല്ലെങ്കിൽ തുറക്കുക",
        "നമ്പറുകൾ തിരഞ്ഞെടുക്കുക · ഏത് UPI ആപ്പിലും പണം അടയ്ക്കുക · നിമിഷങ്ങൾക്കകം ബുക്കിംഗ് ഉറപ്പ്",
    ),
}  # fmt: skip

# Unicode blocks of the Indian scripts, to pick a font for text the organiser typed (a draw name in Hindi).
SCRIPT_BLOCKS = (
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B00, 0x0B7F, "Oriya"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"),
    (0x0D00, 0x0D7F, "Malayalam"),
)


def script_of(text: str) -> str:
    """The first Indian script `text` uses ("" when it has none: Latin will do)."""
    for char in text:
        code = ord(char)
        if code < 0x0900:
            continue
        for low, high, script in SCRIPT_BLOCKS:
            if low <= code <= high:
                return script
    return ""
