/// The charts of `augment bench`, as standalone SVG 1.1 documents.
///
/// Every function is pure: it returns the document's text and writes nothing. The text is the
/// same on every platform and locale: numbers are printed by `BenchChart.fixed`, never by a
/// formatter, and a non-finite input never reaches the output as "nan" or "inf". Text from the
/// caller (titles, labels) is escaped for XML.
///
/// - `timeline(title:subtitle:lanes:laneName:spans:seconds:)`: when each task ran, on which
///   worker (`BenchChart+Timeline.swift`).
/// - `throughput(title:unit:groups:)`: one small bar chart per workload, one bar per executor
///   configuration (`BenchChart+Throughput.swift`).
public enum BenchChart {}
