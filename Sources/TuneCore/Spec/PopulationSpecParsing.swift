extension TuningSpec {
    /// The keys only `algorithm: PBT` takes (it shares `resourceParameter` and `maxResource` with HYPERBAND).
    static let populationKeys = ["perturbationInterval", "populationSize", "quantileFraction", "resampleProbability", "perturbationFactors"]

    /// `algorithm: PBT`'s settings: `resourceParameter` and `maxResource` required, the rest with
    /// the paper's defaults; refused without PBT.
    static func parsePopulation(_ mapping: ConfigMapping, algorithm: Algorithm) throws(SpecError) -> PopulationSpec? {
        guard algorithm == .pbt else {
            if let stray = populationKeys.compactMap({ mapping[$0] }).first {
                throw stray.error("\(stray.key) only applies to algorithm: PBT", hint: "set algorithm: PBT (population-based training), or remove \(stray.key)", atKey: true)
            }
            return nil
        }
        for key in ["minResource", "reductionFactor", "hyperbandBrackets", "hyperbandSampler"] {
            guard let stray = mapping[key] else { continue }
            throw stray.error(
                "\(key) only applies to algorithm: HYPERBAND", hint: "PBT trains every member to maxResource in steps of perturbationInterval: remove \(key)", atKey: true)
        }
        let name = try parseResourceParameter(mapping)
        let maxEntry = try mapping.required("maxResource", hint: "each member's whole training budget, e.g. maxResource: 24 (epochs)")
        let maxResource = try maxEntry.integer(atLeast: 2, atMost: ConfigLimits.maxResource, expected: "an integer of at least 2 (each member's whole training budget)")
        let intervalEntry = try mapping.required(
            "perturbationInterval", hint: "how many \(name) a member trains between two exploit/explore steps, e.g. perturbationInterval: 3")
        let interval = try intervalEntry.integer(atLeast: 1, atMost: ConfigLimits.maxResource, expected: "a positive integer (\(name) between two exploit/explore steps)")
        guard interval < maxResource else {
            throw intervalEntry.error(
                "perturbationInterval \(interval) must be below maxResource \(maxResource)",
                hint: "with a single interval no member ever copies another: make it a fraction of maxResource, e.g. \(max(1, maxResource / 8))")
        }
        var spec = PopulationSpec(resourceParameter: name, maxResource: maxResource, perturbationInterval: interval)
        if let entry = mapping["populationSize"] {
            spec.populationSize = try entry.integer(atLeast: 2, atMost: ConfigLimits.populationSize, expected: "an integer of at least 2 (members trained side by side)")
        }
        if let entry = mapping["quantileFraction"] {
            let (value, _) = try entry.number()
            guard value > 0, value <= 0.5 else {
                throw entry.mismatch("a fraction above 0 and at most 0.5 (the bottom share copies the top share)", hint: "0.25 is usual (Ray Tune); the paper used 0.2")
            }
            spec.quantileFraction = value
        }
        if let entry = mapping["resampleProbability"] {
            let (value, _) = try entry.number()
            guard value >= 0, value <= 1 else { throw entry.mismatch("a probability from 0 to 1") }
            spec.resampleProbability = value
        }
        if let entry = mapping["perturbationFactors"] {
            var factors: [Double] = []
            for element in try entry.list() {
                guard let text = element.scalarText, let factor = ConfigNumber.double(text), factor > 0 else {
                    throw entry.error(at: element, "perturbationFactors must hold positive numbers, got \(element.shown)", hint: "e.g. perturbationFactors: [0.8, 1.2]")
                }
                factors.append(factor)
            }
            spec.perturbationFactors = factors
        }
        guard spec.quantileCount >= 1 else {
            throw (mapping["quantileFraction"] ?? mapping["populationSize"] ?? maxEntry).error(
                "a population of \(spec.populationSize) with quantileFraction \(spec.quantileFraction) has no member to copy",
                hint: "raise populationSize or quantileFraction")
        }
        return spec
    }

    /// PBT runs one trial per member and interval: without a trial count the job runs the whole
    /// population; a smaller count stops it early. The note for the user.
    mutating func fitPopulationBudget(totalGiven: Bool, total: String) -> String? {
        guard let population else { return nil }
        let whole = population.trialCount
        guard totalGiven else {
            maxTrials = min(whole, ConfigLimits.maxTrials.value)
            return nil
        }
        if maxTrials < whole {
            return
                "\(total) \(maxTrials) is below the population's \(whole) trials (\(population.populationSize) members × \(population.intervals) intervals): the job stops after \(maxTrials), before every member has trained to \(population.resourceParameter) \(population.maxResource)"
        }
        if maxTrials > whole {
            let note = "PBT runs \(whole) trials (\(population.populationSize) members × \(population.intervals) intervals); \(total) \(maxTrials) is more than it needs"
            maxTrials = whole
            return note
        }
        return nil
    }
}
