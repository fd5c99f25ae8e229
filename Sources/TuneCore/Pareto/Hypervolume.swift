/// The hypervolume indicator: the volume of objective space that a set of points dominates,
/// bounded by a reference point (Zitzler & Thiele 1998). Larger is better; a front that
/// dominates another has at least its hypervolume.
public enum Hypervolume {
    /// The hypervolume of `points` against `reference` under `goals`: the measure of the region
    /// that some point dominates and that dominates the reference. Points that do not strictly
    /// dominate the reference in every objective (or hold a NaN) add nothing.
    public static func of(_ points: [[Double]], reference: [Double], goals: [Goal]) -> Double {
        let m = reference.count
        guard goals.count == m, m > 0 else { return 0 }
        // Oriented so smaller is better, relative to the reference: every kept coordinate < 0.
        let oriented = points.compactMap { point -> [Double]? in
            guard point.count == m else { return nil }
            let v = (0..<m).map { goals[$0] == .minimize ? point[$0] - reference[$0] : reference[$0] - point[$0] }
            return v.allSatisfy { $0 < 0 } ? v : nil
        }
        return minimizing(oriented.map { $0.map { -$0 } })
    }

    /// The volume of the union of boxes [0, pᵢ] for points with positive coordinates: slices along
    /// the last coordinate, each slice the (m−1)-dimensional volume of the points reaching it.
    /// - Complexity: O(n log n) for 2 objectives, O(n^(m−1) log n) beyond.
    static func minimizing(_ boxes: [[Double]]) -> Double {
        guard let m = boxes.first?.count, !boxes.isEmpty else { return 0 }
        if m == 1 { return boxes.map { $0[0] }.max() ?? 0 }
        if m == 2 {
            // Largest first coordinate first: each box adds its area beyond the tallest so far.
            let sorted = boxes.sorted { $0[0] != $1[0] ? $0[0] > $1[0] : $0[1] > $1[1] }
            var area = 0.0
            var height = 0.0
            for (index, box) in sorted.enumerated() {
                height = max(height, box[1])
                let nextWidth = index + 1 < sorted.count ? sorted[index + 1][0] : 0
                area += (box[0] - nextWidth) * height
            }
            return area
        }
        // Deepest last coordinate first: between consecutive depths, the slice's area is that of the boxes reaching it.
        let sorted = boxes.sorted { $0[m - 1] > $1[m - 1] }
        var volume = 0.0
        var reaching: [[Double]] = []
        for (index, box) in sorted.enumerated() {
            reaching.append(Array(box.prefix(m - 1)))
            let next = index + 1 < sorted.count ? sorted[index + 1][m - 1] : 0
            let depth = box[m - 1] - next
            if depth > 0 { volume += depth * minimizing(reaching) }
        }
        return volume
    }
}
