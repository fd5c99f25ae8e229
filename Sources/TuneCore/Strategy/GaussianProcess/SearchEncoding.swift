import Foundation

/// How the search space maps into the GP's input space (Optuna `_gp/search_space.py`).
///
/// - DOUBLE: the unit coordinate of its scale warp (linear, log, reverse log), continuous.
/// - INTEGER: the unit coordinate over [lo − ½, hi + ½] (every integer owns an equal cell), kept
///   ordinal and continuous in the kernel; the acquisition only visits the integers' coordinates.
/// - DISCRETE: the centre of its cell, (index + ½)/count — ordinal in value order.
/// - CATEGORICAL: the choice index 0, 1, …, compared by Hamming distance with its own ρ.
/// - Parameters with a single value (min == max, one choice) are left out of the model.
/// - Conditional parameters: a dimension whose parameter is inactive at a point holds a fixed
///   value there, `inactiveOrdinal` (the middle of its unit range) or `inactiveCategorical` (a
///   level of its own, so Hamming distance tells it from every real choice). Two points on the
///   same branch compare as before; points on different branches differ in the parent's
///   dimension, which the kernel already weighs (`imputed`, `ConditionalAcquisition`).
struct SearchEncoding: Sendable {
    enum Kind: Sendable, Equatable {
        case continuous
        case integer(lo: Int, hi: Int)
        case discrete(count: Int)
        case categorical(count: Int)
    }

    struct Dimension: Sendable {
        /// Index into `spec.params`.
        var param: Int
        var kind: Kind
    }

    let spec: TuningSpec
    let dimensions: [Dimension]
    /// Per parameter, its modeled dimension (nil for a constant).
    let dimensionOf: [Int?]
    /// Per parameter, its condition: the parent's index in `spec.params` and the values that activate it.
    let conditions: [(parent: Int, values: Set<String>)?]
    let isConditional: Bool

    static let inactiveOrdinal = 0.5
    static let inactiveCategorical = -1.0

    init(spec: TuningSpec) {
        self.spec = spec
        var dims: [Dimension] = []
        for (index, param) in spec.params.enumerated() {
            switch param.domain {
            case .double(let lo, let hi, _) where hi > lo:
                dims.append(Dimension(param: index, kind: .continuous))
            case .integer(let lo, let hi, _) where hi > lo:
                dims.append(Dimension(param: index, kind: .integer(lo: lo, hi: hi)))
            case .discrete(let values) where values.count > 1:
                dims.append(Dimension(param: index, kind: .discrete(count: values.count)))
            case .categorical(let values) where values.count > 1:
                dims.append(Dimension(param: index, kind: .categorical(count: values.count)))
            default:
                break
            }
        }
        dimensions = dims
        var dimensionOf = [Int?](repeating: nil, count: spec.params.count)
        for (i, dim) in dims.enumerated() { dimensionOf[dim.param] = i }
        self.dimensionOf = dimensionOf
        let indexByName = Dictionary(spec.params.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        conditions = spec.params.map { param in
            guard let condition = param.condition, let parent = indexByName[condition.parent] else { return nil }
            return (parent, Set(condition.parentValues))
        }
        isConditional = conditions.contains { $0 != nil }
    }

    /// Per parameter, whether it is active at encoded point x (parents decide in the spec's order).
    func activeParameters(_ x: [Double]) -> [Bool] {
        var active = [Bool](repeating: true, count: spec.params.count)
        guard isConditional else { return active }
        for (p, condition) in conditions.enumerated() {
            guard let condition else { continue }
            active[p] = active[condition.parent] && condition.values.contains(valueText(ofParameter: condition.parent, at: x))
        }
        return active
    }

    /// The flag text of parameter p at encoded point x.
    private func valueText(ofParameter p: Int, at x: [Double]) -> String {
        let param = spec.params[p]
        guard let i = dimensionOf[p] else { return param.value(atUnit: 0.5).text }
        switch (dimensions[i].kind, param.domain) {
        case (.categorical, .categorical(let choices)): return choices[level(of: x[i], in: i)]
        case (.discrete, .discrete(let values)): return values[level(of: x[i], in: i)].text
        case (.integer(let lo, _), _): return String(lo &+ level(of: x[i], in: i))
        default: return param.value(atUnit: x[i]).text
        }
    }

    /// x as the kernel sees it: the dimensions of inactive parameters at their fixed value, and
    /// every active categorical dimension on one of its levels. x itself when nothing is conditional.
    func imputed(_ x: [Double]) -> (x: [Double], active: [Bool]) {
        guard isConditional else { return (x, []) }
        let activeParams = activeParameters(x)
        var out = x
        var active = [Bool](repeating: true, count: count)
        for (i, dim) in dimensions.enumerated() {
            let isCategorical: Bool = if case .categorical = dim.kind { true } else { false }
            if activeParams[dim.param] {
                if isCategorical { out[i] = Double(level(of: x[i], in: i)) }
            } else {
                active[i] = false
                out[i] = isCategorical ? Self.inactiveCategorical : Self.inactiveOrdinal
            }
        }
        return (out, active)
    }

    var count: Int { dimensions.count }
    var isCategorical: [Bool] { dimensions.map { if case .categorical = $0.kind { true } else { false } } }
    var hasContinuous: Bool { dimensions.contains { $0.kind == .continuous } }

    /// Dimensions that get a learned input warp (`InputWarp`): continuous ones, and INTEGER and
    /// DISCRETE ones with at least 3 values (with 2, a warp cannot change anything the kernel sees).
    var isWarpable: [Bool] {
        dimensions.indices.map { i in
            switch dimensions[i].kind {
            case .continuous: true
            case .integer, .discrete: levels(i) >= 3
            case .categorical: false
            }
        }
    }

    /// Values a non-continuous dimension can take (clamped to Int range for huge integer ranges).
    func levels(_ i: Int) -> Int {
        switch dimensions[i].kind {
        case .continuous: return 0
        case .integer(let lo, let hi):
            let (width, overflow) = hi.subtractingReportingOverflow(lo)
            return overflow || width >= Int.max - 1 ? Int.max : width + 1
        case .discrete(let count), .categorical(let count): return count
        }
    }

    /// The encoded coordinate of level `k` of dimension i.
    func coordinate(level k: Int, of i: Int) -> Double {
        let param = spec.params[dimensions[i].param]
        switch dimensions[i].kind {
        case .continuous: return Double(k)
        case .integer(let lo, _): return param.unit(of: .integer(lo &+ k))
        case .discrete(let count): return ParameterSpec.centre(k, count: count)
        case .categorical: return Double(k)
        }
    }

    /// The level of dimension i nearest to coordinate x.
    func level(of x: Double, in i: Int) -> Int {
        let param = spec.params[dimensions[i].param]
        switch dimensions[i].kind {
        case .continuous: return 0
        case .integer(let lo, _):
            guard case .integer(let value) = param.value(atUnit: x) else { return 0 }
            return value &- lo
        case .discrete(let count): return ParameterSpec.cell(min(max(x, 0), 1), count: count)
        case .categorical(let count): return min(max(Int(x.rounded()), 0), count - 1)
        }
    }

    /// Snaps every non-continuous coordinate to a value the parameter can take.
    func snapped(_ x: [Double]) -> [Double] {
        var out = x
        for i in dimensions.indices where dimensions[i].kind != .continuous {
            out[i] = coordinate(level: level(of: x[i], in: i), of: i)
        }
        return out
    }

    /// The encoded point for a point u of the unit cube (one coordinate per modeled dimension):
    /// categorical cells map to their index, the rest to their snapped unit coordinate.
    func fromUnitCube(_ u: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: count)
        for i in dimensions.indices {
            switch dimensions[i].kind {
            case .continuous: x[i] = min(max(u[i], 0), 1)
            case .categorical(let n): x[i] = Double(ParameterSpec.cell(min(max(u[i], 0), 1), count: n))
            default: x[i] = coordinate(level: level(of: u[i], in: i), of: i)
            }
        }
        return x
    }

    /// Whether an encoded point lies within the declared bounds (an earlier job's trial may lie beyond them).
    func isInside(_ x: [Double]) -> Bool {
        zip(dimensions, x).allSatisfy { dim, u in
            switch dim.kind {
            case .continuous, .integer: return u >= -1e-12 && u <= 1 + 1e-12
            case .discrete, .categorical: return true
            }
        }
    }

    /// The encoded point of an assignment; nil when a modeled parameter is missing (where it is
    /// active) or not of its type. Inactive parameters get their fixed value (see `imputed`).
    func encode(_ assignment: Assignment) -> [Double]? {
        var x = [Double](repeating: 0, count: count)
        let chosen = isConditional ? assignment.textValues : [:]
        for (i, dim) in dimensions.enumerated() {
            let param = spec.params[dim.param]
            // Assignments hold the spec's parameters in order: look by position first (by name is O(d)).
            let inPlace = dim.param < assignment.names.count && assignment.names[dim.param] == param.name
            guard let value = inPlace ? assignment.values[dim.param] : assignment[param.name] else {
                guard isConditional, !spec.isActive(param, given: chosen) else { return nil }
                if case .categorical = dim.kind { x[i] = Self.inactiveCategorical } else { x[i] = Self.inactiveOrdinal }
                continue
            }
            switch (dim.kind, value) {
            case (.continuous, .double), (.integer, .integer):
                // Out of the range (an earlier job's trial after the range narrowed): its place
                // beyond the bounds on the declared scale, so it informs the model; never proposed.
                guard let u = param.contains(value) ? param.unit(of: value) : param.unitBeyondBounds(of: value) else { return nil }
                x[i] = u
            case (.discrete, .discrete):
                guard param.contains(value) else { return nil }
                x[i] = param.unit(of: value)
            case (.categorical, .categorical(let s)):
                guard case .categorical(let values) = param.domain, let index = values.firstIndex(of: s) else { return nil }
                x[i] = Double(index)
            default:
                return nil
            }
        }
        return x
    }

    /// The assignment at an encoded point: constants at their value, the rest decoded by their
    /// warp; only the parameters active there.
    func decode(_ x: [Double]) -> Assignment {
        spec.point { p, param in
            guard let i = dimensionOf[p] else { return param.value(atUnit: 0.5) }
            switch (dimensions[i].kind, param.domain) {
            case (.discrete(let count), _): return param.value(atUnit: ParameterSpec.centre(level(of: x[i], in: i), count: count))
            case (.categorical, .categorical(let choices)): return .categorical(choices[level(of: x[i], in: i)])
            default: return param.value(atUnit: x[i])
            }
        }!
    }
}
