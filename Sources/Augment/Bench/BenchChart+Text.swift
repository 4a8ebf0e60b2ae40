extension BenchChart {
    /// `value` with exactly `decimals` digits after the point (clamped to 0 ... 12), rounded
    /// half away from zero, without an exponent, a grouping separator or a negative zero.
    /// A non-finite value prints as 0: the charts must never contain "nan" or "inf".
    ///
    /// Magnitudes beyond what 18 significant digits hold lose decimals first, then saturate at
    /// ±9e18; no chart coordinate or label comes near.
    ///
    /// - Complexity: O(digits).
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var decimals = min(max(decimals, 0), 12)
        let value = value.isFinite ? value : 0
        var scaled = (value * powerOfTen(decimals)).rounded()
        while scaled.magnitude >= 9e18 && decimals > 0 {
            decimals -= 1
            scaled = (value * powerOfTen(decimals)).rounded()
        }
        let integer = Int64(min(max(scaled, -9e18), 9e18))
        var digits = String(integer.magnitude)
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return integer < 0 ? "-" + digits : digits
    }

    /// A coordinate: `fixed(value, decimals: 2)` without trailing zeros ("12.5", "40"), so a
    /// timeline of thousands of bars stays compact. A hundredth of a pixel is below what any
    /// screen shows.
    ///
    /// - Complexity: O(digits).
    static func coordinate(_ value: Double) -> String {
        var text = fixed(value, decimals: 2)
        guard text.contains(".") else { return text }
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// A value for a label, with about three significant digits and an SI suffix from 10,000
    /// up ("0.0123", "4.56", "789", "12.3k", "4.56M", "7.89G"), so it fits above a narrow bar.
    /// A non-finite value is "n/a".
    ///
    /// - Complexity: O(digits).
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let (scale, suffix): (Double, String) = switch value.magnitude {
        case 1e9...: (1e9, "G")
        case 1e6...: (1e6, "M")
        case 1e4...: (1e3, "k")
        default: (1, "")
        }
        let scaled = value / scale
        let decimals: Int
        if scaled.magnitude >= 100 || scaled == 0 {
            decimals = 0
        } else {
            // Digits after the point that keep three significant ones: 2 - floor(log10 |x|).
            decimals = min(2 - decimalExponent(of: scaled.magnitude), 12)
        }
        return fixed(scaled, decimals: decimals) + suffix
    }

    /// 10^exponent, exact for |exponent| ≤ 22 (and correctly rounded for negative exponents
    /// in that range, as one division of exact values).
    ///
    /// - Complexity: O(|exponent|).
    static func powerOfTen(_ exponent: Int) -> Double {
        var power = 1.0
        for _ in 0..<exponent.magnitude { power *= 10 }
        return exponent < 0 ? 1 / power : power
    }

    /// floor(log10(value)) for a finite value > 0, without the C library: the k with
    /// 10^k ≤ value < 10^(k+1), clamped to -300 ... 300.
    ///
    /// - Complexity: O(|k|²), a few hundred multiplications at most.
    static func decimalExponent(of value: Double) -> Int {
        guard value.isFinite && value > 0 else { return 0 }
        var exponent = 0
        while exponent < 300 && powerOfTen(exponent + 1) <= value { exponent += 1 }
        while exponent > -300 && powerOfTen(exponent) > value { exponent -= 1 }
        return exponent
    }

    /// `text` as XML character data or an attribute value: the five special characters as
    /// entities, and the characters XML 1.0 forbids (control characters other than tab, line
    /// feed and carriage return, U+FFFE, U+FFFF) as U+FFFD, so any caller's text keeps the
    /// document well-formed. Tab, line feed and carriage return become spaces: SVG text would
    /// collapse them anyway, and they must not split an attribute.
    ///
    /// - Complexity: O(text's length).
    static func escaped(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\t", "\n", "\r": output += " "
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": output += "\u{FFFD}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// `text` cut to at most `limit` characters, the last one an ellipsis when it was cut: a
    /// label that would run into its neighbour. The full text goes in a tooltip.
    ///
    /// - Complexity: O(limit).
    static func truncated(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(limit - 1, 0))) + "…"
    }

    /// The opening of a standalone SVG 1.1 document of `width` × `height` user units (pixels),
    /// with a white background (a viewer's dark theme must not show through) and `css`.
    ///
    /// - Complexity: O(title's and css's length).
    static func documentStart(width: Double, height: Double, title: String, css: String) -> String {
        let width = coordinate(width), height = coordinate(height)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
            <title>\(escaped(title))</title>
            <style type="text/css">
            \(css)
            </style>
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>

            """
    }
}
