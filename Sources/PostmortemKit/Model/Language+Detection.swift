extension Language {
    /// The language of `text`, told from its letters: Japanese when kana and
    /// kanji make at least a fifth of the letters of its first 4,000 (a
    /// Japanese postmortem names `PgBouncer` and `v4.2.0` in Latin letters, an
    /// English one rarely quotes Japanese), English when it has Latin letters
    /// only; nil without letters of either.
    public static func detect(_ text: String) -> Language? {
        var japanese = 0, latin = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9D: japanese += 1
            case 0x41...0x5A, 0x61...0x7A: latin += 1
            default: continue
            }
            if japanese + latin >= 4_000 { break }
        }
        guard japanese + latin > 0 else { return nil }
        return japanese * 5 >= japanese + latin ? .ja : .en
    }
}
