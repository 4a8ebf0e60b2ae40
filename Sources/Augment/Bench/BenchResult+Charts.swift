extension BenchResult {
    /// The median repeat's timeline as SVG (`BenchChart.timeline`), titled with the workload,
    /// executor and workers.
    ///
    /// - Complexity: O(tasks).
    public var timelineSVG: String {
        let run = medianRun
        let workers = executor == .serial ? "" : " × \(workers)"
        return BenchChart.timeline(
            title: "\(taskSet.workload.label): \(executor.rawValue)\(workers)",
            subtitle: "\(taskSet.tasks) \(taskSet.workload.unit == "images" ? "images" : "tasks"), "
                + "\(BenchChart.fixed(run.seconds, decimals: 3)) s (the median run of \(runs.count))",
            lanes: executor == .serial ? 1 : self.workers, laneName: executor == .serial ? "serial" : "worker",
            spans: run.spans, seconds: run.seconds)
    }

    /// The executors' throughput per workload as one SVG bar chart (`BenchChart.throughput`):
    /// a panel per workload label, a bar per executor and worker count, whiskers from the
    /// slowest to the fastest repeat. Products are shown in GFLOP/s, the rest in tasks or
    /// images per second.
    ///
    /// - Complexity: O(results).
    public static func throughputSVG(of results: [BenchResult]) -> String {
        var groups: [BenchChart.BarGroup] = []
        for result in results {
            let flops = result.taskSet.workload.flopsPerTask
            func rate(_ seconds: Double) -> Double {
                flops > 0 ? flops * Double(result.taskSet.tasks) / seconds / 1e9 : Double(result.taskSet.tasks) / seconds
            }
            let bar = BenchChart.Bar(label: result.executor == .serial ? "serial" : "\(result.executor.rawValue) ×\(result.workers)",
                                     value: rate(result.seconds), low: rate(result.maximumSeconds), high: rate(result.minimumSeconds))
            let label = result.taskSet.workload.label
            if let index = groups.firstIndex(where: { $0.label == label }) {
                groups[index].bars.append(bar)
            } else {
                groups.append(BenchChart.BarGroup(label: label, unit: flops > 0 ? "GFLOP/s" : "\(result.taskSet.workload.unit)/s", bars: [bar]))
            }
        }
        return BenchChart.throughput(title: "Throughput by executor (median of repeats; whiskers: slowest to fastest)",
                                     unit: "per second", groups: groups)
    }
}
