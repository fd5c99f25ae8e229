/// PBT's explore step: the hyperparameters an exploiting member trains with next, made from the
/// donor's. Each parameter, independently:
/// - with `resampleProbability`, a value drawn afresh from the space on its declared scale (the
///   only move a CATEGORICAL parameter has);
/// - else perturbed by a factor drawn from `perturbationFactors` (0.8 or 1.2): a DOUBLE or INTEGER
///   value is multiplied by it — on a log scale that is a step of equal size anywhere in the range;
///   on `UNIT_REVERSE_LOG_SCALE` the distance to the upper bound is (so 0.99 moves to 0.988 or
///   0.992, not past 1); an INTEGER moves by at least one; a value at 0, which no factor moves,
///   moves by the factor's share of the range instead — and then clamped to the bounds; a DISCRETE
///   value moves to the neighbouring value, down for a factor below 1, up above it.
///
/// In a conditional space a parameter that the new values make active, and the donor lacked, is
/// drawn afresh. The moves are drawn from `generator`, which the scheduler seeds by the job's
/// seed, member and interval, so a resumed job makes the same moves.
public enum PopulationExplore {
    public static func perturb(
        _ donor: Assignment, spec: TuningSpec, population: PopulationSpec, generator: inout SeededGenerator
    ) -> Assignment {
        // Two draws per parameter whatever happens, so one parameter's move never shifts another's.
        var draws: [(resample: Double, factor: Double, fresh: Double)] = []
        for _ in spec.params {
            draws.append((generator.nextUnit(), generator.nextUnit(), generator.nextUnit()))
        }
        let factors = population.perturbationFactors.isEmpty ? PopulationSpec.defaultPerturbationFactors : population.perturbationFactors
        let point = spec.point { index, param -> ParameterValue? in
            let draw = draws[index]
            guard let value = donor[param.name] else { return param.value(atUnit: draw.fresh) }
            if draw.resample < population.resampleProbability { return param.value(atUnit: draw.fresh) }
            let factor = factors[min(Int(draw.factor * Double(factors.count)), factors.count - 1)]
            return perturbed(value, of: param, by: factor)
        }
        return point ?? donor
    }

    /// `value` of `param` moved by `factor` (see the type's comment), within the bounds.
    public static func perturbed(_ value: ParameterValue, of param: ParameterSpec, by factor: Double) -> ParameterValue {
        switch (param.domain, value) {
        case (.double(let lo, let hi, let scale), .double(let x)):
            return .double(min(max(scaled(x, by: factor, lo: lo, hi: hi, scale: scale), lo), hi))
        case (.integer(let lo, let hi, let scale), .integer(let n)):
            let x = Double(n)
            var moved = scaled(x, by: factor, lo: Double(lo), hi: Double(hi), scale: scale).rounded()
            if moved == x && factor != 1 { moved = x + (factor > 1 ? 1 : -1) }
            guard moved > Double(lo) else { return .integer(lo) }
            guard moved < Double(hi) else { return .integer(hi) }
            return .integer(Int(moved))
        case (.discrete(let values), .discrete(let d)):
            guard let index = values.firstIndex(of: d), factor != 1 else { return value }
            let next = factor > 1 ? min(index + 1, values.count - 1) : max(index - 1, 0)
            return .discrete(values[next])
        default:
            return value
        }
    }

    private static func scaled(_ x: Double, by factor: Double, lo: Double, hi: Double, scale: ScaleType) -> Double {
        if scale == .reverseLog {
            let distance = hi - x
            return distance > 0 ? hi - distance * factor : hi - (hi - lo) * abs(factor - 1) * 0.1
        }
        let moved = x * factor
        return moved != x ? moved : x + (factor - 1) * (hi - lo)
    }
}
