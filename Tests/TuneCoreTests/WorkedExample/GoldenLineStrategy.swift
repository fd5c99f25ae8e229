import TuneCore

/// The worked example of the architecture article: a whole strategy in one file. Trial k gets every
/// parameter at the unit position frac(k·φ) of its declared scale — a one-dimensional
/// low-discrepancy walk, deterministic and stateless as the `SearchStrategy` seam asks. A real
/// strategy registers with one line in `TuningSpec.makeStrategy`; this one is handed to a job
/// with `JobSession.NewJob.strategy`.
struct GoldenLineStrategy: SearchStrategy {
    let spec: TuningSpec
    var name: String { "golden-line walk" }

    func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        (firstTrialId..<(firstTrialId + count)).map { trial in
            let unit = (Double(trial) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
            return Assignment(spec.params.map { ($0.name, $0.value(atUnit: unit)) })
        }
    }
}
