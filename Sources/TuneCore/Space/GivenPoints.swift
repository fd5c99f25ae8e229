extension TuningSpec {
    /// The enqueued points (`enqueued`), rebuilt against the space.
    public var enqueuedPoints: [Assignment] {
        (enqueued ?? []).compactMap { Assignment(textValues: $0, spec: self) }
    }

    /// The points run before the strategy's own, in order: the default point, then the enqueued ones.
    public var givenPoints: [Assignment] {
        (defaultPoint.map { [$0] } ?? []) + enqueuedPoints
    }

    /// Checks `points` against the space and appends them to `enqueued`. A point that repeats an
    /// earlier one (or the default point) is run once, with a note.
    public mutating func enqueue(_ points: [GivenPoint], notes: inout [String]) throws(SpecError) {
        var seen = givenPoints
        var texts = enqueued ?? []
        for point in points {
            let assignment = try assignment(for: point)
            if seen.contains(assignment) {
                notes.append("\(point.file)\(point.line.map { ":\($0)" } ?? ""): \(point.label) repeats an earlier point: it runs once")
                continue
            }
            seen.append(assignment)
            texts.append(assignment.textValues)
        }
        enqueued = texts.isEmpty ? nil : texts
    }

    /// Why the given points do not fit in maxTrials; nil when they do.
    public var givenPointsOverflow: String? {
        let count = givenPoints.count
        guard count > maxTrials else { return nil }
        let defaults = defaultPoint == nil ? "" : " (the default point included)"
        return "\(count) given points\(defaults) but maxTrials is \(maxTrials): each runs as a trial — raise maxTrials (or --max-trials) to at least \(count), or enqueue fewer"
    }

    /// The point `given` names, or a located error: an unknown name, a bad value, an active
    /// parameter with no value (one with a `defaultValue` takes it), an inactive one given.
    public func assignment(for given: GivenPoint) throws(SpecError) -> Assignment {
        var byName: [String: GivenPoint.Value] = [:]
        for value in given.values {
            guard param(named: value.name) != nil else {
                let names = params.map(\.name)
                let hint = KeySuggestion.closest(to: value.name, among: names).map { "did you mean '\($0)'?" } ?? "the parameters are \(names.joined(separator: ", "))"
                throw given.error("unknown parameter '\(value.name)'", at: value, hint: hint)
            }
            guard byName[value.name] == nil else { throw given.error("\(value.name) is given twice", at: value) }
            byName[value.name] = value
        }
        let made = try point { (_, param) throws(SpecError) -> ParameterValue? in
            guard let value = byName[param.name] else {
                if let text = param.defaultValue, let fallback = param.value(fromText: text) { return fallback }
                var why = ""
                if let condition = param.condition { why = " (active because \(condition.parent) is one of \(condition.parentValues.joined(separator: ", ")))" }
                throw given.error("no value for \(param.name)\(why)", key: param.name, hint: "give \(param.name): \(param.domainDescription)")
            }
            if let problem = param.problem(withText: value.text) { throw given.error(problem, at: value) }
            return param.value(fromText: value.text) ?? param.integralValue(value.text)
        }
        guard let made else { throw given.error("not a point of the space") }
        if let stray = given.values.first(where: { made[$0.name] == nil }), let condition = param(named: stray.name)?.condition {
            throw given.error(
                "\(stray.name) is inactive here: it applies only when \(condition.parent) is one of \(condition.parentValues.joined(separator: ", "))",
                at: stray, hint: "leave \(stray.name) out of this point (empty in a CSV)")
        }
        return made
    }
}

extension ParameterSpec {
    /// Why `text` is not a value of this parameter; nil when it is one.
    func problem(withText text: String) -> String? {
        switch domain {
        case .double(let lo, let hi, _):
            guard let x = Double(text), x.isFinite else { return "\(name) must be a number, got '\(text)'" }
            return lo <= x && x <= hi ? nil : "\(name) \(text) is outside its range: \(domainDescription)"
        case .integer(let lo, let hi, _):
            guard let n = Int(text) ?? integralValue(text).flatMap({ if case .integer(let n) = $0 { n } else { nil } }) else {
                return "\(name) must be an integer, got '\(text)'"
            }
            return lo <= n && n <= hi ? nil : "\(name) \(text) is outside its range: \(domainDescription)"
        case .categorical, .discrete:
            return value(fromText: text) == nil ? "\(name) '\(text)' is not a listed value: \(domainDescription)" : nil
        }
    }

    /// An INTEGER parameter's value written as an integral number (`3.0`, as JSON tools may write it).
    func integralValue(_ text: String) -> ParameterValue? {
        guard case .integer = domain, let x = Double(text), let n = ConfigNumber.integral(x) else { return nil }
        return .integer(n)
    }
}
