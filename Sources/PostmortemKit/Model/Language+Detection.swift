extension Language {
    /// The language of `text`, told from its letters: Japanese when kana and
    /// kanji make at least a fifth of the letters of its first 4,000 (a
    /// Japanese postmortem names `PgBouncer` and `v4.2.0` in Latin letters, an
    /// English one rarely quotes Japanese), English when it has Latin letters
    /// only; nil without letters of either.
    public static func detect(_ text: String) -> Language? {
        var text = text
        let (japanese, latin) = text.withUTF8(letterCounts)
        guard japanese + latin > 0 else { return nil }
        return japanese * 5 >= japanese + latin ? .ja : .en
    }

    /// Kana and kanji, and Latin letters, of the first 4,000 of either, read
    /// in UTF-8: every scalar counted is ASCII or three bytes long (U+0800–U+FFFF).
    static func letterCounts(_ bytes: UnsafeBufferPointer<UInt8>) -> (japanese: Int, latin: Int) {
        var japanese = 0, latin = 0
        var index = 0
        while index < bytes.count, japanese + latin < 4_000 {
            let lead = bytes[index]
            if lead < 0x80 {
                if (0x41...0x5A).contains(lead) || (0x61...0x7A).contains(lead) { latin += 1 }
                index += 1
                continue
            }
            if lead & 0xF0 == 0xE0, index + 2 < bytes.count {
                let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                switch value {
                case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9D: japanese += 1
                default: break
                }
                index += 3
                continue
            }
            index += 1
        }
        return (japanese, latin)
    }
}
