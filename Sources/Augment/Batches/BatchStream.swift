/// One batch as `augment batches` delivers it.
public struct Batch: Sendable {
    public var images: [Image]
    public var labels: [Int64]
    /// The epoch's number and the batch's index within it.
    public var epoch: Int
    public var index: Int
}

/// What a batch run covers: which samples, in which order, in which batches.
public struct BatchPlan: Sendable {
    public var dataset: LabelledDataset
    public var epochPlan: EpochPlan
    /// Epochs `firstEpoch` ..< `firstEpoch + epochs` (the epoch number seeds the shuffle and is
    /// each sample's copy number, so a loader resuming at epoch 7 sees what a run from 0 saw).
    public var firstEpoch: Int
    public var epochs: Int
    public var batchSize: Int
    public var dropLast: Bool

    public init(dataset: LabelledDataset, epochPlan: EpochPlan, firstEpoch: Int, epochs: Int, batchSize: Int, dropLast: Bool) {
        self.dataset = dataset
        self.epochPlan = epochPlan
        self.firstEpoch = firstEpoch
        self.epochs = epochs
        self.batchSize = batchSize
        self.dropLast = dropLast
    }
}

/// How a batch run went.
public struct BatchRunSummary: Sendable, Equatable {
    public var batches = 0
    public var samples = 0
    /// Samples that could not be made and were left out (the batch was filled from the next).
    public var skipped = 0
}

extension BatchPlan {
    /// Makes every batch of the plan, in order, and hands each to `emit`.
    ///
    /// Samples are made by `workers`, at most `ahead` of them submitted beyond the next one to
    /// be consumed; they are consumed in the plan's order, so the batches (contents, bytes and
    /// order) are the same whatever the executor and worker count. A batch never spans two
    /// epochs; an epoch's last batch is smaller, or dropped with `dropLast`. A sample that
    /// fails is reported to `skipped` and left out, its batch filled from the next samples;
    /// with `strict` it stops the run. `emit` blocking (a slow consumer) stops new submissions
    /// once `ahead` are waiting: memory stays at `ahead` samples plus one batch.
    ///
    /// - Complexity: O(samples) work for the workers; O(ahead + batch size) images held.
    /// - Throws: `BatchRunError` from the workers, from `emit`, or (with `strict`) naming the
    ///   first sample that failed. The workers are stopped in every case.
    public func run<Workers: SampleWorkers>(on workers: inout Workers, ahead: Int, strict: Bool,
                                            emit: (Batch) throws(BatchRunError) -> Void,
                                            skipped: (ImageFailure) -> Void) throws(BatchRunError) -> BatchRunSummary {
        defer { workers.finish() }
        let perEpoch = epochPlan.samplesPerEpoch
        let total = perEpoch * epochs
        var summary = BatchRunSummary()
        if total == 0 { return summary }
        var orders: [Int: [Int]] = [:]
        var consumed = 0
        /// The sample of a task, from its epoch's order, computed once and kept until no task
        /// of that epoch remains to be consumed.
        func sampleIndex(ofTask task: Int) -> Int {
            let epoch = firstEpoch + task / perEpoch
            if orders[epoch] == nil {
                let oldest = firstEpoch + consumed / perEpoch
                orders = orders.filter { $0.key >= oldest }
                orders[epoch] = epochPlan.order(epoch: epoch)
            }
            return orders[epoch]![task % perEpoch]
        }
        var results: [Int: Result<Image, ImageFailure>] = [:]
        var issued = 0
        var batch = Batch(images: [], labels: [], epoch: firstEpoch, index: 0)
        while consumed < total {
            while issued < total && issued - consumed < max(ahead, 1) {
                let epoch = firstEpoch + issued / perEpoch
                try workers.submit(task: issued, path: dataset.samples[sampleIndex(ofTask: issued)].path, epoch: epoch)
                issued += 1
            }
            guard let result = results.removeValue(forKey: consumed) else {
                for finished in try workers.collect() { results[finished.task] = finished.result }
                continue
            }
            let sample = dataset.samples[sampleIndex(ofTask: consumed)]
            switch result {
            case .success(let image):
                batch.images.append(image)
                batch.labels.append(Int64(sample.label))
            case .failure(let failure):
                let named = ImageFailure(relativePath: sample.path, reason: failure.reason, stopsTheRun: false)
                if strict { throw BatchRunError(named.description) }
                summary.skipped += 1
                skipped(named)
            }
            consumed += 1
            let epochEnds = consumed % perEpoch == 0
            if batch.images.count == batchSize || (epochEnds && !batch.images.isEmpty && !dropLast) {
                summary.batches += 1
                summary.samples += batch.images.count
                try emit(batch)
                batch.index += 1
                batch.images.removeAll(keepingCapacity: true)
                batch.labels.removeAll(keepingCapacity: true)
            }
            if epochEnds {
                batch = Batch(images: [], labels: [], epoch: batch.epoch + 1, index: 0)
            }
        }
        return summary
    }
}
