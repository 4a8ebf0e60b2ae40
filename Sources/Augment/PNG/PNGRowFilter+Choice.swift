extension PNGRowFilter {
    /// How an encoder picks each row's filter: always the same one, or per row the candidate
    /// whose filtered bytes are smallest as signed values (libpng's heuristic).
    enum Choice: Sendable, Equatable {
        case fixed(PNGRowFilter)
        case perRow([PNGRowFilter])
    }

    /// Filters rows by a `Choice`, keeping a scratch row per candidate.
    ///
    /// - Complexity: O(row bytes x candidates) per row.
    final class Chooser {
        let choice: Choice
        let rowBytes: Int
        let bytesPerPixel: Int
        private let scratch: UnsafeMutablePointer<UInt8>

        init(choice: Choice, rowBytes: Int, bytesPerPixel: Int) {
            if case .perRow(let candidates) = choice {
                precondition(!candidates.isEmpty, "a per-row choice needs candidates")
            }
            self.choice = choice
            self.rowBytes = rowBytes
            self.bytesPerPixel = bytesPerPixel
            let candidates = if case .perRow(let candidates) = choice { candidates.count } else { 0 }
            scratch = .allocate(capacity: max(1, candidates * rowBytes))
        }

        deinit { scratch.deallocate() }

        /// Writes the filter-type byte, then the row filtered (`rowBytes + 1` bytes in all).
        /// - Parameter previous: the unfiltered row above, or zeros for the first row.
        func filter(row: UnsafePointer<UInt8>, previous: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
            switch choice {
            case .fixed(let filter):
                output[0] = filter.rawValue
                _ = filter.apply(row: row, previous: previous, count: rowBytes, bytesPerPixel: bytesPerPixel,
                                 into: output + 1, measuring: false)
            case .perRow(let candidates):
                var best = 0, bestCost = Int.max
                for (index, candidate) in candidates.enumerated() {
                    let cost = candidate.apply(row: row, previous: previous, count: rowBytes,
                                               bytesPerPixel: bytesPerPixel, into: scratch + index * rowBytes,
                                               measuring: true)
                    if cost < bestCost {
                        best = index
                        bestCost = cost
                    }
                }
                output[0] = candidates[best].rawValue
                (output + 1).update(from: scratch + best * rowBytes, count: rowBytes)
            }
        }
    }

    /// `apply` with this filter's kernel.
    func apply(row: UnsafePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int, bytesPerPixel: Int,
               into output: UnsafeMutablePointer<UInt8>, measuring: Bool) -> Int {
        func run<Kernel: PNGRowFilterKernel>(_ kernel: Kernel.Type) -> Int {
            Self.apply(kernel, row: row, previous: previous, count: count, bytesPerPixel: bytesPerPixel,
                       into: output, measuring: measuring)
        }
        // Each case names its kernel type, so that each gets its own specialised loop (an
        // existential type would reach an unspecialised one).
        return switch self {
        case .none: run(NoneKernel.self)
        case .sub: run(SubKernel.self)
        case .up: run(UpKernel.self)
        case .average: run(AverageKernel.self)
        case .paeth: run(PaethKernel.self)
        }
    }
}
