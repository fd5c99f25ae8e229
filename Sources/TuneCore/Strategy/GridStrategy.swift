/// Grid search: every combination once, in order. Which points are left is recomputed from the
/// history on every call, so a resumed or parallel job never runs a combination twice.
public struct GridStrategy: SearchStrategy {
    public let grid: Grid
    public var name: String { "grid search" }

    public init(grid: Grid) {
        self.grid = grid
    }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        let tried = Set(history.map(\.assignment))
        var proposals: [Assignment] = []
        var index = 0
        let total = grid.count ?? Int.max
        while proposals.count < count, index < total {
            let point = grid.point(at: index)
            if !tried.contains(point) { proposals.append(point) }
            index += 1
        }
        return proposals
    }
}
