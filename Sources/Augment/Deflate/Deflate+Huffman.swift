extension Deflate {
    /// Length-limited Huffman code lengths.
    ///
    /// Symbols with frequency 0 get no code (length 0). With two or more used symbols the lengths
    /// form a complete prefix code (Kraft sum exactly 1) with none longer than `limit`; when the
    /// optimal unrestricted code already fits, it is that code (minimising the sum of frequency x
    /// length), else it is that code with its overlong codes shortened to `limit` and room made
    /// for them by lengthening the deepest shorter codes (miniz's and others' method: near
    /// optimal, not always optimal). Ties are broken by symbol number, so the result depends only
    /// on the frequencies. A single used symbol gets length 1 (DEFLATE's decoders accept that one
    /// incomplete code); none used gives all zeros.
    ///
    /// The unrestricted code is computed in place (Moffat and Katajainen, 1995).
    ///
    /// - Complexity: O(n log n) for n used symbols (the sort); the rest is O(n + limit) plus one
    ///   step per unit of excess Kraft sum when limiting.
    /// - Precondition: n <= 2^limit, limit <= 30.
    static func codeLengths(frequencies: [UInt32], limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        // Used symbols by ascending frequency, then symbol number: frequency above, symbol below.
        var keys: [UInt64] = []
        keys.reserveCapacity(frequencies.count)
        for (symbol, frequency) in frequencies.enumerated() where frequency > 0 {
            keys.append(UInt64(frequency) << 32 | UInt64(symbol))
        }
        let count = keys.count
        if count == 0 { return lengths }
        if count == 1 {
            lengths[Int(keys[0] & 0xFFFF_FFFF)] = 1
            return lengths
        }
        precondition(limit >= 1 && limit <= 30 && count <= 1 << limit,
                     "\(count) symbols do not fit codes of at most \(limit) bits")
        keys.sort()
        var depths = keys.map { Int($0 >> 32) }
        depths.withUnsafeMutableBufferPointer { minimumRedundancyDepths($0) }
        // Depths run from the least frequent symbol (deepest) to the most frequent.
        if depths[0] > limit { limitDepths(&depths, to: limit) }
        for (index, key) in keys.enumerated() { lengths[Int(key & 0xFFFF_FFFF)] = UInt8(depths[index]) }
        return lengths
    }

    /// Makes a complete code's depths (deepest first) at most `limit` deep, keeping it complete:
    /// overlong codes become `limit` long, which over-fills the code (Kraft sum above 1) by some
    /// units of 2^-limit; each step then removes one code of length `limit` and splits the
    /// deepest shorter code into two one longer, taking one unit back, until the sum is 1.
    /// The new lengths go to the symbols in the same order (longest to the least frequent).
    ///
    /// - Complexity: O(n + limit x steps).
    static func limitDepths(_ depths: inout [Int], to limit: Int) {
        var countOfLength = [Int](repeating: 0, count: limit + 1)
        for depth in depths { countOfLength[min(depth, limit)] += 1 }
        var kraft = 0  // in units of 2^-limit
        for length in 1...limit { kraft += countOfLength[length] << (limit - length) }
        while kraft > 1 << limit {
            countOfLength[limit] -= 1
            var length = limit - 1
            while countOfLength[length] == 0 { length -= 1 }
            countOfLength[length] -= 1
            countOfLength[length + 1] += 2
            kraft -= 1
        }
        var index = 0
        for length in stride(from: limit, through: 1, by: -1) {
            for _ in 0..<countOfLength[length] {
                depths[index] = length
                index += 1
            }
        }
    }

    /// Replaces ascending weights (at least two) by the depths of an optimal (unrestricted)
    /// Huffman code, deepest first: Moffat and Katajainen's in-place algorithm.
    ///
    /// - Complexity: O(n), no allocation.
    static func minimumRedundancyDepths(_ a: UnsafeMutableBufferPointer<Int>) {
        let n = a.count
        // Pass 1, left to right: combine the two smallest of the leaves (from `leaf`) and the
        // internal nodes made so far (from `root`); an internal node's slot ends up holding its
        // parent's index.
        a[0] += a[1]
        var root = 0, leaf = 2
        for next in 1..<(n - 1) {
            if leaf >= n || a[root] < a[leaf] {
                a[next] = a[root]
                a[root] = next
                root += 1
            } else {
                a[next] = a[leaf]
                leaf += 1
            }
            if leaf >= n || (root < next && a[root] < a[leaf]) {
                a[next] += a[root]
                a[root] = next
                root += 1
            } else {
                a[next] += a[leaf]
                leaf += 1
            }
        }
        // Pass 2, right to left: internal nodes' depths from their parents'.
        a[n - 2] = 0
        if n >= 3 {
            for next in stride(from: n - 3, through: 0, by: -1) { a[next] = a[a[next]] + 1 }
        }
        // Pass 3, right to left: leaves' depths, from the number of internal nodes at each depth.
        var available = 1, used = 0, depth = 0
        var node = n - 2, next = n - 1
        while available > 0 {
            while node >= 0 && a[node] == depth {
                used += 1
                node -= 1
            }
            while available > used {
                a[next] = depth
                next -= 1
                available -= 1
            }
            available = 2 * used
            depth += 1
            used = 0
        }
    }

    /// The canonical Huffman codes of RFC 1951 3.2.2 for the given lengths, each bit-reversed so
    /// that writing it least significant bit first sends the code's first bit first, as DEFLATE
    /// requires. Symbols of length 0 get code 0 (they are never written).
    ///
    /// - Complexity: O(n + maximum length).
    /// - Precondition: the lengths are at most 15 and satisfy Kraft's inequality.
    static func canonicalCodes(lengths: [UInt8]) -> [UInt16] {
        var lengthCounts = [Int](repeating: 0, count: maximumCodeLength + 1)
        for length in lengths where length > 0 { lengthCounts[Int(length)] += 1 }
        var nextCode = [Int](repeating: 0, count: maximumCodeLength + 2)
        var code = 0
        for length in 1...maximumCodeLength {
            code = (code + lengthCounts[length - 1]) << 1
            nextCode[length] = code
        }
        var codes = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let value = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            precondition(value < 1 << Int(length), "the code lengths are over-subscribed")
            codes[symbol] = reversed(UInt16(value), bits: Int(length))
        }
        return codes
    }

    /// The low `bits` bits of `value` in reverse order.
    @inline(__always)
    static func reversed(_ value: UInt16, bits: Int) -> UInt16 {
        // Swap halves, bytes, nibbles, pairs and bits of all 16, then drop the unused low bits.
        var word = value
        word = (word & 0x5555) << 1 | (word >> 1) & 0x5555
        word = (word & 0x3333) << 2 | (word >> 2) & 0x3333
        word = (word & 0x0F0F) << 4 | (word >> 4) & 0x0F0F
        word = word.byteSwapped
        return word >> (16 - bits)
    }
}
