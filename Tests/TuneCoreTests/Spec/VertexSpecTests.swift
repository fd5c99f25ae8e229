import Foundation
import Testing
import TuneCore
import TuneTestSupport

// MARK: one job, written in every shape

/// A config value, rendered as block YAML or as JSON, keys in the order given.
private indirect enum ConfigValue: Sendable {
    case string(String)
    case number(String)
    case list([ConfigValue])
    case map([(String, ConfigValue)])

    /// The same value with every key in protobuf's snake_case (`metricId` → `metric_id`).
    var snakeCased: ConfigValue {
        switch self {
        case .string, .number: return self
        case .list(let items): return .list(items.map(\.snakeCased))
        case .map(let pairs):
            return .map(
                pairs.map { key, value in
                    (key.unicodeScalars.map { ("A"..."Z").contains($0) ? "_" + String($0).lowercased() : String($0) }.joined(), value.snakeCased)
                })
        }
    }

    func json(_ indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return "\"\(text)\""
        case .number(let text): return text
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.json(inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .map(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { "\(inner)\"\($0.0)\": \($0.1.json(inner))" }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    /// Block YAML lines, not indented.
    var yamlLines: [String] {
        switch self {
        case .string(let text), .number(let text): return [text]
        case .list(let items):
            if items.isEmpty { return ["[]"] }
            return items.flatMap { item in
                item.yamlLines.enumerated().map { index, line in (index == 0 ? "- " : "  ") + line }
            }
        case .map(let pairs):
            if pairs.isEmpty { return ["{}"] }
            return pairs.flatMap { key, value -> [String] in
                switch value {
                case .list(let items) where !items.isEmpty: return ["\(key):"] + value.yamlLines.map { "  " + $0 }
                case .map(let inner) where !inner.isEmpty: return ["\(key):"] + value.yamlLines.map { "  " + $0 }
                default: return ["\(key): \(value.yamlLines[0])"]
                }
            }
        }
    }

    var yaml: String { yamlLines.joined(separator: "\n") + "\n" }
}

/// One parameter of the table, with its conditional children.
private struct TableParameter: Sendable {
    var name: String
    var type: String
    var bounds: (min: String, max: String)? = nil
    var values: [String] = []
    var scale: String? = nil
    var defaultValue: String? = nil
    var children: [(when: [String], parameter: TableParameter)] = []

    /// The condition key a child of this parameter uses.
    var parentValuesKey: String {
        switch type {
        case "CATEGORICAL": return "parentCategoricalValues"
        case "INTEGER": return "parentIntValues"
        default: return "parentDiscreteValues"
        }
    }

    func scalar(_ text: String) -> ConfigValue { type == "CATEGORICAL" ? .string(text) : .number(text) }

    /// Vertex AI's `ParameterSpec`; `int64AsStrings` writes INTEGER bounds as the REST API does (`"minValue": "1"`).
    func vertex(int64AsStrings: Bool) -> ConfigValue {
        var valueSpec: [(String, ConfigValue)] = []
        if let bounds {
            let integer = type == "INTEGER" && int64AsStrings
            valueSpec += [
                ("minValue", integer ? .string(bounds.min) : .number(bounds.min)),
                ("maxValue", integer ? .string(bounds.max) : .number(bounds.max)),
            ]
        } else {
            valueSpec.append(("values", .list(values.map(scalar))))
        }
        if let defaultValue { valueSpec.append(("defaultValue", scalar(defaultValue))) }
        let specKey = ["DOUBLE": "doubleValueSpec", "INTEGER": "integerValueSpec", "CATEGORICAL": "categoricalValueSpec", "DISCRETE": "discreteValueSpec"][type]!
        var pairs: [(String, ConfigValue)] = [("parameterId", .string(name)), (specKey, .map(valueSpec))]
        if let scale { pairs.append(("scaleType", .string(scale))) }
        if !children.isEmpty {
            pairs.append(
                (
                    "conditionalParameterSpecs",
                    .list(
                        children.map { child in
                            .map([
                                (parentValuesKey, .map([("values", .list(child.when.map(scalar)))])),
                                ("parameterSpec", child.parameter.vertex(int64AsStrings: int64AsStrings)),
                            ])
                        })
                ))
        }
        return .map(pairs)
    }

    /// Cloud ML's `ParameterSpec` without the children.
    var cloudMLFields: [(String, ConfigValue)] {
        var pairs: [(String, ConfigValue)] = [("parameterName", .string(name)), ("type", .string(type))]
        if let bounds { pairs += [("minValue", .number(bounds.min)), ("maxValue", .number(bounds.max))] }
        if type == "CATEGORICAL" { pairs.append(("categoricalValues", .list(values.map(scalar)))) }
        if type == "DISCRETE" { pairs.append(("discreteValues", .list(values.map(scalar)))) }
        if let scale { pairs.append(("scaleType", .string(scale))) }
        if let defaultValue { pairs.append(("defaultValue", scalar(defaultValue))) }
        return pairs
    }

    /// Cloud ML's shape with Vertex's nesting: `conditionalParameterSpecs` in the parent, plain lists of values.
    var cloudMLNested: ConfigValue {
        var pairs = cloudMLFields
        if !children.isEmpty {
            pairs.append(
                (
                    "conditionalParameterSpecs",
                    .list(children.map { .map([(parentValuesKey, .list($0.when.map(scalar))), ("parameterSpec", $0.parameter.cloudMLNested)]) })
                ))
        }
        return .map(pairs)
    }

    /// tune's flat extension: every parameter a `params` entry, each child naming its parent.
    /// Children come before their parents (siblings in order), so the reading must restore the tree's order.
    func cloudMLFlat(parent: (name: String, key: String, when: [ConfigValue])? = nil) -> [ConfigValue] {
        var pairs = cloudMLFields
        if let parent {
            pairs += [("parentParameter", .string(parent.name)), (parent.key, .list(parent.when))]
        }
        let descendants = children.flatMap { $0.parameter.cloudMLFlat(parent: (name, parentValuesKey, $0.when.map(scalar))) }
        return descendants + [.map(pairs)]
    }
}

/// The table every shape below is written from.
private let table: [TableParameter] = [
    TableParameter(
        name: "optimizer", type: "CATEGORICAL", values: ["adam", "sgd"], defaultValue: "adam",
        children: [
            (["sgd"], TableParameter(name: "momentum", type: "DOUBLE", bounds: ("0", "0.99"), scale: "UNIT_LINEAR_SCALE")),
            (["adam"], TableParameter(name: "beta1", type: "DOUBLE", bounds: ("0.8", "0.999"))),
        ]),
    TableParameter(
        name: "num_layers", type: "INTEGER", bounds: ("1", "3"), scale: "UNIT_LINEAR_SCALE", defaultValue: "2",
        children: [
            (
                ["2", "3"],
                TableParameter(
                    name: "width", type: "DISCRETE", values: ["32", "64", "128"], defaultValue: "64",
                    children: [(["128"], TableParameter(name: "dropout", type: "DOUBLE", bounds: ("0.1", "0.5")))])
            )
        ]),
    TableParameter(name: "lr", type: "DOUBLE", bounds: ("0.0001", "0.1"), scale: "UNIT_LOG_SCALE", defaultValue: "0.001"),
]

/// What every shape gives: the tree flattened parent first, depth first.
private let expectedTree: TuningSpec = {
    var spec = TuningSpec(
        goal: .minimize, metricTag: "val_loss", maxTrials: 12, maxParallelTrials: 3, maxFailedTrials: 2, algorithm: .random,
        params: [
            ParameterSpec(name: "optimizer", domain: .categorical(["adam", "sgd"]), defaultValue: "adam"),
            ParameterSpec(
                name: "momentum", domain: .double(min: 0, max: 0.99, scale: .linear),
                condition: ParameterCondition(parent: "optimizer", parentValues: ["sgd"])),
            ParameterSpec(
                name: "beta1", domain: .double(min: 0.8, max: 0.999, scale: .none),
                condition: ParameterCondition(parent: "optimizer", parentValues: ["adam"])),
            ParameterSpec(name: "num_layers", domain: .integer(min: 1, max: 3, scale: .linear), defaultValue: "2"),
            ParameterSpec(
                name: "width",
                domain: .discrete([
                    DiscreteValue(value: 32, text: "32"), DiscreteValue(value: 64, text: "64"), DiscreteValue(value: 128, text: "128"),
                ]),
                condition: ParameterCondition(parent: "num_layers", parentValues: ["2", "3"]), defaultValue: "64"),
            ParameterSpec(
                name: "dropout", domain: .double(min: 0.1, max: 0.5, scale: .none),
                condition: ParameterCondition(parent: "width", parentValues: ["128"])),
            ParameterSpec(name: "lr", domain: .double(min: 0.0001, max: 0.1, scale: .log), defaultValue: "0.001"),
        ],
        measurementSelection: .best, enableTrialEarlyStopping: true)
    spec.maxFailedTrials = 2
    return spec
}()

/// The Vertex AI `HyperparameterTuningJob` of the table.
private func vertexJob(int64AsStrings: Bool) -> ConfigValue {
    .map([
        (
            "studySpec",
            .map([
                ("metrics", .list([.map([("metricId", .string("val_loss")), ("goal", .string("MINIMIZE"))])])),
                ("parameters", .list(table.map { $0.vertex(int64AsStrings: int64AsStrings) })),
                ("algorithm", .string("RANDOM_SEARCH")),
                ("measurementSelectionType", .string("BEST_MEASUREMENT")),
                ("medianAutomatedStoppingSpec", .map([])),
            ])
        ),
        ("maxTrialCount", int64AsStrings ? .string("12") : .number("12")),
        ("parallelTrialCount", .number("3")),
        ("maxFailedTrialCount", .number("2")),
    ])
}

/// The Cloud ML `HyperparameterSpec` of the table, with `params`.
private func cloudMLSpec(_ params: [ConfigValue]) -> ConfigValue {
    .map([
        ("goal", .string("MINIMIZE")),
        ("hyperparameterMetricTag", .string("val_loss")),
        ("maxTrials", .number("12")),
        ("maxParallelTrials", .number("3")),
        ("maxFailedTrials", .number("2")),
        ("algorithm", .string("RANDOM_SEARCH")),
        ("measurementSelectionType", .string("BEST_MEASUREMENT")),
        ("enableTrialEarlyStopping", .string("true")),
        ("params", .list(params)),
    ])
}

/// One job in one shape: its text and the notes it should give.
struct VertexShape: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    var notes: [String] = []
    var testDescription: String { name }
}

let vertexShapes: [VertexShape] = [
    VertexShape(name: "Vertex YAML (gcloud ai hp-tuning-jobs create --config)", text: vertexJob(int64AsStrings: false).yaml),
    VertexShape(name: "Vertex REST JSON, int64 as strings", text: vertexJob(int64AsStrings: true).json()),
    VertexShape(name: "Vertex JSON in snake_case (Python client dict)", text: vertexJob(int64AsStrings: false).snakeCased.json()),
    VertexShape(
        name: "the client library's create request {parent, hyperparameterTuningJob}",
        text: ConfigValue.map([("parent", .string("projects/p/locations/us-central1")), ("hyperparameter_tuning_job", vertexJob(int64AsStrings: true).snakeCased)])
            .json(),
        notes: ["ignoring cloud-only key in tuning.yml: parent (tune runs trials locally)"]),
    VertexShape(
        name: "Cloud ML v1 gcloud job file, conditionalParameterSpecs nested",
        text: ConfigValue.map([("trainingInput", .map([("hyperparameters", cloudMLSpec(table.map(\.cloudMLNested)))]))]).yaml),
    VertexShape(name: "Cloud ML v1 bare spec, flat parentParameter (children listed first)", text: cloudMLSpec(table.flatMap { $0.cloudMLFlat() }).yaml),
    VertexShape(name: "Cloud ML v1 JSON, flat parentParameter", text: ConfigValue.map([("hyperparameters", cloudMLSpec(table.flatMap { $0.cloudMLFlat() }))]).json()),
]

@Suite("Vertex AI configs: one job in every shape", .limitedParallelism)
struct VertexShapeTests {
    @Test("every shape gives the same TuningSpec", arguments: vertexShapes)
    func sameSpec(_ shape: VertexShape) throws {
        let loaded: LoadedSpec
        do {
            loaded = try parseConfig(shape.text)
        } catch {
            Issue.record("\(error)\n\(shape.text)")
            return
        }
        #expect(loaded.spec == expectedTree, "\(shape.text)")
        #expect(loaded.notes == shape.notes)
    }

    @Test("the shapes are what they claim to be")
    func shapesLookRight() {
        #expect(vertexShapes[0].text.contains("    - parameterId: optimizer\n      categoricalValueSpec:\n"), "\(vertexShapes[0].text)")
        #expect(vertexShapes[1].text.contains("\"minValue\": \"1\""), "\(vertexShapes[1].text)")
        #expect(vertexShapes[2].text.contains("\"conditional_parameter_specs\"") && vertexShapes[2].text.contains("\"parent_int_values\""), "\(vertexShapes[2].text)")
        #expect(vertexShapes[5].text.contains("parentParameter: width"), "\(vertexShapes[5].text)")
        // The flat shape lists each subtree leaves first: dropout, width, num_layers.
        let flat = vertexShapes[5].text
        let positions = ["dropout", "width", "num_layers"].map { flat.range(of: "parameterName: \($0)\n")!.lowerBound }
        #expect(positions == positions.sorted(), "\(flat)")
    }

    @Test("int64 values written as strings: bounds, defaults, conditions and counts")
    func int64AsStrings() throws {
        let loaded = try parseConfig(
            """
            {
              "maxTrialCount": "5",
              "parallelTrialCount": "2",
              "maxFailedTrialCount": "1",
              "studySpec": {
                "metrics": [{"metricId": "loss", "goal": "MINIMIZE"}],
                "parameters": [
                  {"parameterId": "layers", "integerValueSpec": {"minValue": "1", "maxValue": "4", "defaultValue": "3"},
                   "conditionalParameterSpecs": [
                     {"parentIntValues": {"values": ["3", "4"]},
                      "parameterSpec": {"parameterId": "units", "integerValueSpec": {"minValue": "-8", "maxValue": "9007199254740993"}}}
                   ]}
                ]
              }
            }
            """)
        #expect(loaded.spec.maxTrials == 5 && loaded.spec.maxParallelTrials == 2 && loaded.spec.maxFailedTrials == 1)
        #expect(
            loaded.spec.params == [
                ParameterSpec(name: "layers", domain: .integer(min: 1, max: 4, scale: .none), defaultValue: "3"),
                ParameterSpec(
                    name: "units", domain: .integer(min: -8, max: 9_007_199_254_740_993, scale: .none),
                    condition: ParameterCondition(parent: "layers", parentValues: ["3", "4"])),
            ], "an int64 above 2^53 is kept exactly")
        #expect(loaded.notes.isEmpty, "\(loaded.notes)")
    }
}

// MARK: fields

/// A Vertex job around `study` (the lines inside studySpec, indented by 2) and `top` (lines beside it).
private func vertex(study: String = "", top: String = "maxTrialCount: 4\n", parameters: String = defaultParameters) -> String {
    top + "studySpec:\n  metrics:\n  - metricId: acc\n    goal: MAXIMIZE\n" + study + "  parameters:\n" + parameters
}

private let defaultParameters = """
      - parameterId: x
        doubleValueSpec:
          minValue: 0
          maxValue: 1

    """

@Suite("Vertex AI configs: fields", .limitedParallelism)
struct VertexFieldTests {
    @Test("defaultValue of each type is kept as the flag text the trial gets")
    func defaults() throws {
        let loaded = try parseConfig(
            """
            {
              "study_spec": {
                "metrics": [{"metric_id": "acc", "goal": "MAXIMIZE"}],
                "parameters": [
                  {"parameter_id": "d", "double_value_spec": {"min_value": 0.0001, "max_value": 1, "default_value": 1e-3}},
                  {"parameter_id": "i", "integer_value_spec": {"min_value": 1, "max_value": 20, "default_value": 4.0}},
                  {"parameter_id": "c", "categorical_value_spec": {"values": ["East", "West"], "default_value": "West"}},
                  {"parameter_id": "k", "discrete_value_spec": {"values": [1.0, 2.50, 4.8], "default_value": 2.5}}
                ]
              }
            }
            """)
        #expect(loaded.spec.params.map(\.defaultValue) == ["0.001", "4", "West", "2.50"], "DISCRETE: as the config lists the value")
        #expect(loaded.spec.defaultPoint?.flags == ["--d=0.001", "--i=4", "--c=West", "--k=2.50"])
        // Cloud ML's shape takes defaultValue too (tune extension).
        let cloud = try parseConfig("params:\n- {parameterName: i, type: INTEGER, minValue: 1, maxValue: 9, defaultValue: '7'}\n")
        #expect(cloud.spec.params[0].defaultValue == "7")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let expected: String
        let key: String
        var testDescription: String { name }

        /// The config fails to load with exactly `expected`, naming `key`.
        func check() {
            let error = configFailure(text)
            #expect(error?.description == expected, "\(text)")
            #expect(error?.key == key)
        }
    }

    static let badDefaults: [Refusal] = [
        Refusal(
            name: "INTEGER default above maxValue",
            text: vertex(
                parameters: """
                      - parameterId: layers
                        integerValueSpec:
                          minValue: 1
                          maxValue: 20
                          defaultValue: 30

                    """),
            expected:
                "tuning.yml:11:21: error: layers: defaultValue '30' is not a value of layers (INTEGER in [1, 20]) — give a value the parameter can take, or leave defaultValue out",
            key: "defaultValue"),
        Refusal(
            name: "INTEGER default with a fraction",
            text: vertex(parameters: "  - {parameterId: n, integerValueSpec: {minValue: 1, maxValue: 20, defaultValue: 2.5}}\n"),
            expected: "tuning.yml:7:82: error: n: defaultValue '2.5' is not a value of n (INTEGER in [1, 20]) — give a value the parameter can take, or leave defaultValue out",
            key: "defaultValue"),
        Refusal(
            name: "CATEGORICAL default not among the values",
            text: vertex(parameters: "  - parameterId: c\n    categoricalValueSpec:\n      values: [East, West]\n      defaultValue: North\n"),
            expected: "tuning.yml:10:21: error: c: defaultValue 'North' is not a value of c (one of East, West) — give a value the parameter can take, or leave defaultValue out",
            key: "defaultValue"),
        Refusal(
            name: "DISCRETE default between the values",
            text: vertex(parameters: "  - parameterId: k\n    discreteValueSpec:\n      values: [1, 2]\n      defaultValue: 1.5\n"),
            expected: "tuning.yml:10:21: error: k: defaultValue '1.5' is not a value of k (one of 1, 2) — give a value the parameter can take, or leave defaultValue out",
            key: "defaultValue"),
        Refusal(
            name: "DOUBLE default below minValue",
            text: vertex(parameters: "  - parameterId: d\n    doubleValueSpec: {minValue: 0.5, maxValue: 1, defaultValue: 0.25}\n"),
            expected: "tuning.yml:8:65: error: d: defaultValue '0.25' is not a value of d (DOUBLE in [0.5, 1.0]) — give a value the parameter can take, or leave defaultValue out",
            key: "defaultValue"),
        Refusal(
            name: "a list as default",
            text: vertex(parameters: "  - parameterId: d\n    doubleValueSpec: {minValue: 0.5, maxValue: 1, defaultValue: [1]}\n"),
            expected: "tuning.yml:8:65: error: d: defaultValue must be a value of d, got a list",
            key: "defaultValue"),
    ]

    @Test("a bad defaultValue is refused at its line", arguments: badDefaults)
    func badDefault(_ refusal: Refusal) {
        refusal.check()
    }

    @Test("algorithm and measurementSelectionType map onto tune's")
    func algorithmAndMeasurement() throws {
        let algorithms: [(String, Algorithm)] = [
            ("ALGORITHM_UNSPECIFIED", .unspecified), ("RANDOM_SEARCH", .random), ("GRID_SEARCH", .grid),
        ]
        for (text, algorithm) in algorithms {
            let parameters = "  - {parameterId: n, integerValueSpec: {minValue: 1, maxValue: 3}}\n"
            #expect(try parseConfig(vertex(study: "  algorithm: \(text)\n", parameters: parameters)).spec.algorithm == algorithm)
        }
        #expect(try parseConfig(vertex()).spec.algorithm == .unspecified, "no algorithm: Bayesian optimization")
        let selections: [(String, MeasurementSelection)] = [
            ("BEST_MEASUREMENT", .best), ("LAST_MEASUREMENT", .last), ("MEASUREMENT_SELECTION_TYPE_UNSPECIFIED", .last),
        ]
        for (text, selection) in selections {
            #expect(try parseConfig(vertex(study: "  measurementSelectionType: \(text)\n")).spec.measurementSelection == selection)
        }
        #expect(
            configFailure(vertex(study: "  algorithm: GRID\n"))?.description
                == "tuning.yml:6:14: error: studySpec: algorithm must be one of ALGORITHM_UNSPECIFIED, GRID_SEARCH, RANDOM_SEARCH, HYPERBAND or PBT, got 'GRID' — did you mean 'GRID_SEARCH'?"
        )
        #expect(
            configFailure(vertex(study: "  algorithm: GRID_SEARCH\n"))?.description
                == "tuning.yml:9:5: error: x: GRID_SEARCH cannot search a DOUBLE parameter — use INTEGER or DISCRETE values, or RANDOM_SEARCH")
    }

    @Test("medianAutomatedStoppingSpec: null and {} turn the median rule on; useElapsedDuration gives a note")
    func medianStopping() throws {
        #expect(try !parseConfig(vertex()).spec.enableTrialEarlyStopping)
        for value in ["", " null", " {}", " {useElapsedDuration: false}", " {use_elapsed_duration: false}"] {
            let loaded = try parseConfig(vertex(study: "  medianAutomatedStoppingSpec:\(value)\n"))
            #expect(loaded.spec.enableTrialEarlyStopping, "medianAutomatedStoppingSpec:\(value)")
            #expect(loaded.spec.earlyStoppingRule != nil)
            #expect(loaded.notes.isEmpty, "\(loaded.notes)")
        }
        let elapsed = try parseConfig(vertex(study: "  medianAutomatedStoppingSpec:\n    useElapsedDuration: true\n"))
        #expect(elapsed.spec.enableTrialEarlyStopping)
        #expect(
            elapsed.notes == ["medianAutomatedStoppingSpec.useElapsedDuration: tune compares trials at the same reported step, not the same elapsed time"])
        let snake = try parseConfig(vertex(study: "  median_automated_stopping_spec: {use_elapsed_duration: true}\n"))
        #expect(snake.notes == elapsed.notes)
        #expect(
            configFailure(vertex(study: "  medianAutomatedStoppingSpec: {useElapsedDuraton: true}\n"))?.description
                == "tuning.yml:6:33: error: medianAutomatedStoppingSpec: unknown key 'useElapsedDuraton' — did you mean 'useElapsedDuration'?")
    }

    @Test("the trial counts: maxTrialCount, parallelTrialCount, maxFailedTrialCount (0: the default)")
    func counts() throws {
        let spec = try parseConfig(vertex(top: "maxTrialCount: 7\nparallelTrialCount: 3\nmaxFailedTrialCount: 2\n")).spec
        #expect(spec.maxTrials == 7 && spec.maxParallelTrials == 3 && spec.maxFailedTrials == 2)
        #expect(try parseConfig(vertex(top: "maxTrialCount: 7\nmaxFailedTrialCount: 0\n")).spec.maxFailedTrials == nil)
        let none = try parseConfig(vertex(top: ""))
        #expect(none.spec.maxTrials == 1 && none.spec.maxParallelTrials == 1)
        #expect(none.notes == ["maxTrialCount is not in the file: 1 trial (gcloud's default) unless `tune run --max-trial-count N` gives more"])
        #expect(
            configFailure(vertex(top: "maxTrialCount: 0\n"))?.description == "tuning.yml:1:16: error: maxTrialCount must be a positive integer, got '0'")
        #expect(
            configFailure(vertex(top: "maxTrialCount: 2\nparallelTrialCount: 0\n"))?.description
                == "tuning.yml:2:21: error: parallelTrialCount must be a positive integer, got '0'")
        #expect(
            configFailure(vertex(top: "maxTrialCount: 2\nmaxFailedTrialCount: -1\n"))?.description
                == "tuning.yml:2:22: error: maxFailedTrialCount must be a non-negative integer, got '-1'")
    }

    @Test("the command line's counts win over the file's")
    func overrides() throws {
        let spec = try parseConfig(vertex(top: "maxTrialCount: 7\nparallelTrialCount: 3\nmaxFailedTrialCount: 2\n")).spec
        let overridden = try TrialCountOverrides(maxTrialCount: 4, parallelTrialCount: 2, maxFailedTrialCount: 0).applied(to: spec)
        #expect(overridden.maxTrials == 4 && overridden.maxParallelTrials == 2 && overridden.maxFailedTrials == nil)
        #expect(try TrialCountOverrides().applied(to: spec) == spec)
        #expect(throws: TrialCountError.self) { try TrialCountOverrides(maxTrialCount: 0).applied(to: spec) }
        #expect(throws: TrialCountError.self) { try TrialCountOverrides(parallelTrialCount: 0).applied(to: spec) }
        #expect(throws: TrialCountError.self) { try TrialCountOverrides(maxFailedTrialCount: -1).applied(to: spec) }
    }

    @Test(
        "decayCurveStoppingSpec and convexAutomatedStoppingSpec are refused with what to use instead",
        arguments: [
            "decayCurveStoppingSpec", "convexAutomatedStoppingSpec", "convexStopConfig",
        ])
    func refusedStopping(key: String) {
        let error = configFailure(vertex(study: "  \(key): {useElapsedDuration: true}\n"))
        #expect(
            error?.description
                == "tuning.yml:6:3: error: studySpec: tune does not implement Vertex AI's \(key) — use medianAutomatedStoppingSpec: {} (the median stopping rule), or algorithm: HYPERBAND (tune extension)"
        )
        #expect(error?.key == key)
        let snake = configFailure(vertex(study: "  decay_curve_stopping_spec: {}\n"))
        #expect(snake?.key == "decayCurveStoppingSpec" && snake?.line == 6 && snake?.column == 3)
    }

    @Test("cloud-only job fields are ignored with one note; trialJobSpec gives a note on running the trainer here")
    func cloudOnlyKeys() throws {
        let loaded = try parseConfig(
            vertex(
                top: """
                    name: projects/1/locations/us-central1/hyperparameterTuningJobs/5
                    displayName: job
                    state: JOB_STATE_PENDING
                    createTime: "2021-02-26T02:02:02.787187Z"
                    labels: {team: ml}
                    maxTrialCount: 4
                    trialJobSpec:
                      workerPoolSpecs:
                      - machineSpec: {machineType: n1-standard-4}
                        replicaCount: 1
                        pythonPackageSpec:
                          executorImageUri: gcr.io/x
                          packageUris: [gs://b/t.tar.gz]
                          pythonModule: trainer.task
                          args: [--epochs=3, "--nnsize=32 8"]

                    """))
        #expect(
            loaded.notes == [
                "ignoring cloud-only keys in tuning.yml: name, displayName, state, createTime, labels, trialJobSpec (tune runs trials locally)",
                "trialJobSpec runs the Python package module trainer.task in the cloud; to run the same trainer here (with its package installed or from its source folder): tune run --config tuning.yml -- python -m trainer.task --epochs=3 '--nnsize=32 8'",
            ])
        let container = try parseConfig(
            vertex(top: "maxTrialCount: 4\ntrialJobSpec:\n  workerPoolSpecs:\n  - containerSpec: {imageUri: gcr.io/x, args: [--hptune]}\n"))
        #expect(
            container.notes.last
                == "trialJobSpec runs the container gcr.io/x with its own entry point; to run the same trainer here, run that entry point: tune run --config tuning.yml -- <the image's ENTRYPOINT> --hptune"
        )
    }

    @Test("several metrics: each without safetyConfig is an objective in order, each with one a safety bound")
    func severalMetrics() throws {
        let study = """
            study_spec:
              metrics:
              - {metric_id: safe, goal: MAXIMIZE, safety_config: {safety_threshold: 0, desired_min_safe_trials_fraction: 0.9}}
              - {metric_id: y1, goal: MINIMIZE}
              - {metric_id: y2, goal: MAXIMIZE}
              - {metric_id: y3, goal: MAXIMIZE}
              parameters:
              - {parameter_id: r, double_value_spec: {min_value: 0, max_value: 1}}

            """
        let loaded = try parseConfig("max_trial_count: 3\n" + study)
        #expect(loaded.spec.metricTag == "y1" && loaded.spec.goal == .minimize)
        #expect(
            loaded.spec.objectives == [
                ObjectiveMetric(metricTag: "y1", goal: .minimize), ObjectiveMetric(metricTag: "y2", goal: .maximize),
                ObjectiveMetric(metricTag: "y3", goal: .maximize),
            ])
        #expect(loaded.spec.safety == [SafetyMetric(metricTag: "safe", goal: .maximize, threshold: 0, desiredMinSafeTrialsFraction: 0.9)])
        #expect(loaded.notes.isEmpty)
        let two = try parseConfig(
            "maxTrialCount: 3\nstudySpec:\n  metrics: [{metricId: a, goal: MAXIMIZE}, {metricId: b, goal: MINIMIZE}]\n  parameters: [{parameterId: r, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n"
        )
        #expect(two.spec.isMultiObjective && two.spec.safety.isEmpty && two.spec.objectives.map(\.metricTag) == ["a", "b"])
        let one = try parseConfig(vertex(study: ""))
        #expect(!one.spec.isMultiObjective && one.spec.additionalObjectives == nil && one.spec.safetyMetrics == nil)
        let metrics = "studySpec:\n  parameters: [{parameterId: r, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n  metrics:\n"
        #expect(
            configFailure(metrics + "  - {metricId: a, goal: MAXIMIZE}\n  - {metricId: a, goal: MINIMIZE}\n")?.description
                == "tuning.yml:5:16: error: metrics entry 2: metric 'a' is listed twice (entries 1 and 2) — list each metric once")
        #expect(
            configFailure(metrics + "  - {metricId: a, goal: MAXIMIZE}\n  - {metricId: s, goal: MINIMIZE, safetyConfig: {}}\n")?.description
                == "tuning.yml:5:35: error: metrics entry 2: safetyConfig: missing safetyThreshold — the bound of s: with goal MINIMIZE, a trial is safe when its value is at most safetyThreshold"
        )
        #expect(
            configFailure(metrics + "  - {metricId: a, goal: MAXIMIZE}\n  - {metricId: s, goal: MINIMIZE, safetyConfig: {safetyThreshold: 1, desiredMinSafeTrialsFraction: 2}}\n")?
                .description.contains("desiredMinSafeTrialsFraction") == true)
        #expect(
            configFailure(metrics + (1...5).map { "  - {metricId: m\($0), goal: MAXIMIZE}\n" }.joined())?.description
                == "tuning.yml:4:3: error: studySpec: 5 objectives: tune optimizes at most 4 at once — give the others a safetyConfig (a bound to stay within), or leave them out: every metric a trial reports is recorded anyway"
        )
        #expect(
            configFailure(
                "studySpec:\n  metrics: [{metricId: s, goal: MAXIMIZE, safetyConfig: {safetyThreshold: 1}}]\n  parameters: [{parameterId: r, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n"
            )?
            .description
                == "tuning.yml:2:12: error: studySpec: every metric has a safetyConfig: none is an objective — list the metric to optimize without safetyConfig")
        #expect(
            configFailure(vertex(study: "").replacingOccurrences(of: "goal: MAXIMIZE", with: "goal: GOAL_TYPE_UNSPECIFIED"))?.description
                == "tuning.yml:5:11: error: metrics entry 1: goal GOAL_TYPE_UNSPECIFIED leaves the direction open — write MAXIMIZE or MINIMIZE")
    }

    static let unknownKeys: [Refusal] = [
        Refusal(
            name: "misspelled job key", text: vertex(top: "maxTrialCont: 4\n"),
            expected: "tuning.yml:1:1: error: unknown key 'maxTrialCont' — did you mean 'maxTrialCount'?", key: "maxTrialCont"),
        Refusal(
            name: "a study key beside studySpec", text: vertex(top: "maxTrialCount: 4\nalgorithm: RANDOM_SEARCH\n"),
            expected: "tuning.yml:2:1: error: unknown key 'algorithm' — 'algorithm' belongs inside studySpec", key: "algorithm"),
        Refusal(
            name: "a job key inside studySpec", text: vertex(study: "  parallelTrialCount: 2\n"),
            expected: "tuning.yml:6:3: error: studySpec: unknown key 'parallelTrialCount' — 'parallelTrialCount' belongs beside studySpec, at the top of the file",
            key: "parallelTrialCount"),
        Refusal(
            name: "a job key in a bare StudySpec",
            text: "maxTrialCount: 3\nmetrics: [{metricId: a, goal: MAXIMIZE}]\nparameters: [{parameterId: r, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n",
            expected: "tuning.yml:1:1: error: unknown key 'maxTrialCount' — 'maxTrialCount' belongs in a HyperparameterTuningJob, beside studySpec",
            key: "maxTrialCount"),
        Refusal(
            name: "misspelled study key", text: vertex(study: "  algorithms: RANDOM_SEARCH\n"),
            expected: "tuning.yml:6:3: error: studySpec: unknown key 'algorithms' — did you mean 'algorithm'?", key: "algorithms"),
        Refusal(
            name: "misspelled metric key", text: vertex().replacingOccurrences(of: "metricId", with: "metricID"),
            expected: "tuning.yml:4:5: error: metrics entry 1: unknown key 'metricID' — did you mean 'metricId'?", key: "metricID"),
        Refusal(
            name: "Cloud ML's parameter spelling in a Vertex parameter",
            text: vertex(parameters: "  - parameterId: x\n    minValue: 0\n"),
            expected:
                "tuning.yml:8:5: error: x: unknown key 'minValue' — 'minValue' is Cloud ML's spelling: a Vertex AI parameter has parameterId and one of doubleValueSpec, integerValueSpec, categoricalValueSpec, discreteValueSpec",
            key: "minValue"),
        Refusal(
            name: "a condition key in a top-level Vertex parameter",
            text: vertex(parameters: "  - parameterId: x\n    parentCategoricalValues: [a]\n    doubleValueSpec: {minValue: 0, maxValue: 1}\n"),
            expected:
                "tuning.yml:8:5: error: x: unknown key 'parentCategoricalValues' — 'parentCategoricalValues' belongs in a conditionalParameterSpecs entry, beside parameterSpec",
            key: "parentCategoricalValues"),
        Refusal(
            name: "a misspelled value spec key",
            text: vertex(parameters: "  - parameterId: x\n    doubleValueSpec: {minValue: 0, maxVal: 1}\n"),
            expected: "tuning.yml:8:36: error: x: unknown key 'maxVal' — did you mean 'maxValue'?", key: "maxVal"),
        Refusal(
            name: "a key in both spellings",
            text: "max_trial_count: 3\n" + vertex(top: "maxTrialCount: 4\n"),
            expected: "tuning.yml:2:1: error: duplicate key 'maxTrialCount': 'max_trial_count' is the same field — first given at line 1",
            key: "maxTrialCount"),
        Refusal(
            name: "a key in both spellings, camelCase first",
            text: vertex(top: "maxTrialCount: 4\nmax_trial_count: 3\n"),
            expected: "tuning.yml:2:1: error: duplicate key 'max_trial_count': 'maxTrialCount' is the same field — first given at line 1",
            key: "max_trial_count"),
        Refusal(
            name: "a misspelled snake_case key is named as written",
            text:
                "max_trial_cont: 4\nstudy_spec:\n  metrics: [{metric_id: a, goal: MAXIMIZE}]\n  parameters: [{parameter_id: r, double_value_spec: {min_value: 0, max_value: 1}}]\n",
            expected: "tuning.yml:1:1: error: unknown key 'max_trial_cont' — did you mean 'maxTrialCount'?", key: "maxTrialCont"),
        Refusal(
            name: "a misspelled snake_case key in a parameter",
            text: "study_spec:\n  metrics: [{metric_id: a, goal: MAXIMIZE}]\n  parameters: [{parameter_id: r, double_value_spec: {min_value: 0, max_valu: 1}}]\n",
            expected: "tuning.yml:3:68: error: r: unknown key 'max_valu' — did you mean 'maxValue'?", key: "maxValu"),
    ]

    @Test("unknown keys: did you mean, and where a key belongs", arguments: unknownKeys)
    func unknownKey(_ refusal: Refusal) {
        refusal.check()
    }
}

// MARK: conditional parameters

@Suite("Conditional parameters: errors", .limitedParallelism)
struct ConditionalErrorTests {
    typealias Refusal = VertexFieldTests.Refusal

    static let cases: [Refusal] = [
        Refusal(
            name: "flat: the parent does not exist",
            text: """
                params:
                  - parameterName: optimizer
                    type: CATEGORICAL
                    categoricalValues: [adam, sgd]
                  - parameterName: momentum
                    type: DOUBLE
                    minValue: 0
                    maxValue: 0.99
                    parentParameter: optimiser
                    parentCategoricalValues: [sgd]
                """,
            expected: "tuning.yml:9:22: error: momentum: parentParameter 'optimiser' is not a parameter of this config — did you mean 'optimizer'?",
            key: "parentParameter"),
        Refusal(
            name: "flat: the parent is the parameter itself",
            text: "params:\n  - {parameterName: a, type: INTEGER, minValue: 1, maxValue: 3, parentParameter: a, parentIntValues: [1]}\n",
            expected: "tuning.yml:2:82: error: a: a cannot be its own parent — name another parameter, or remove parentParameter", key: "parentParameter"),
        Refusal(
            name: "nested: a parent value outside the parent's domain",
            text: vertex(
                parameters: """
                      - parameterId: optimizer
                        categoricalValueSpec: {values: [adam, sgd]}
                        conditionalParameterSpecs:
                        - parentCategoricalValues:
                            values: [sgd, rmsprop]
                          parameterSpec: {parameterId: momentum, doubleValueSpec: {minValue: 0, maxValue: 1}}

                    """),
            expected:
                "tuning.yml:11:23: error: optimizer: conditionalParameterSpecs entry 1: rmsprop is not a value of optimizer (one of adam, sgd) — list values the parent takes",
            key: "parentCategoricalValues"),
        Refusal(
            name: "flat: an INTEGER parent value out of range",
            text: """
                params:
                  - {parameterName: layers, type: INTEGER, minValue: 1, maxValue: 3}
                  - {parameterName: width, type: INTEGER, minValue: 8, maxValue: 64, parentParameter: layers, parentIntValues: [2, 4]}
                """,
            expected: "tuning.yml:3:116: error: width: 4 is not a value of layers (INTEGER in [1, 3]) — list values the parent takes", key: "parentIntValues"),
        Refusal(
            name: "nested snake_case: a DISCRETE parent value it does not list",
            text: """
                {"study_spec": {"metrics": [{"metric_id": "m", "goal": "MINIMIZE"}], "parameters": [
                  {"parameter_id": "batch_size", "discrete_value_spec": {"values": [4, 8, 16]},
                   "conditional_parameter_specs": [
                     {"parent_discrete_values": {"values": [8, 12]},
                      "parameter_spec": {"parameter_id": "decay", "double_value_spec": {"min_value": 0, "max_value": 1}}}]}]}}
                """,
            expected:
                "tuning.yml:4:48: error: batch_size: conditionalParameterSpecs entry 1: 12 is not a value of batch_size (one of 4, 8, 16) — list values the parent takes",
            key: "parentDiscreteValues"),
        Refusal(
            name: "flat: a cycle",
            text: """
                params:
                  - parameterName: a
                    type: CATEGORICAL
                    categoricalValues: [x, y]
                    parentParameter: b
                    parentCategoricalValues: [u]
                  - parameterName: b
                    type: CATEGORICAL
                    categoricalValues: [u, v]
                    parentParameter: a
                    parentCategoricalValues: [x]
                """,
            expected: "tuning.yml:5:22: error: a: conditions form a cycle: a → b → a — a parameter's parent must not depend on the parameter itself",
            key: "parentParameter"),
        Refusal(
            name: "nested: a child shadows a top-level parameter",
            text: vertex(
                parameters: """
                      - parameterId: lr
                        doubleValueSpec: {minValue: 0.001, maxValue: 0.1}
                      - parameterId: optimizer
                        categoricalValueSpec: {values: [adam, sgd]}
                        conditionalParameterSpecs:
                        - parentCategoricalValues: {values: [sgd]}
                          parameterSpec:
                            parameterId: lr
                            doubleValueSpec: {minValue: 0.01, maxValue: 1}

                    """),
            expected: "tuning.yml:14:22: error: duplicate parameter name 'lr' — first defined at line 7", key: "parameterId"),
        Refusal(
            name: "flat: two parameters with one name",
            text: """
                params:
                  - {parameterName: a, type: CATEGORICAL, categoricalValues: [x, y]}
                  - {parameterName: b, type: INTEGER, minValue: 1, maxValue: 2, parentParameter: a, parentCategoricalValues: [x]}
                  - {parameterName: b, type: INTEGER, minValue: 1, maxValue: 2, parentParameter: a, parentCategoricalValues: [y]}
                """,
            expected: "tuning.yml:4:21: error: duplicate parameter name 'b' — first defined at line 3", key: "parameterName"),
        Refusal(
            name: "nested: a numeric condition on a CATEGORICAL parent",
            text: vertex(
                parameters: """
                      - parameterId: optimizer
                        categoricalValueSpec: {values: [adam, sgd]}
                        conditionalParameterSpecs:
                        - parentIntValues: {values: [1]}
                          parameterSpec: {parameterId: momentum, doubleValueSpec: {minValue: 0, maxValue: 1}}

                    """),
            expected:
                "tuning.yml:10:7: error: optimizer: conditionalParameterSpecs entry 1: parentIntValues is a numeric condition, but optimizer is CATEGORICAL — write parentCategoricalValues with values of optimizer (one of adam, sgd)",
            key: "parentIntValues"),
        Refusal(
            name: "flat: a numeric condition on a CATEGORICAL parent",
            text: """
                params:
                  - {parameterName: opt, type: CATEGORICAL, categoricalValues: [adam, sgd]}
                  - {parameterName: m, type: DOUBLE, minValue: 0, maxValue: 1, parentParameter: opt, parentDiscreteValues: [1]}
                """,
            expected:
                "tuning.yml:3:86: error: m: parentDiscreteValues is a numeric condition, but opt is CATEGORICAL — write parentCategoricalValues with values of opt (one of adam, sgd)",
            key: "parentDiscreteValues"),
        Refusal(
            name: "nested: a DOUBLE parent",
            text: vertex(
                parameters: """
                      - parameterId: lr
                        doubleValueSpec: {minValue: 0.001, maxValue: 0.1}
                        conditionalParameterSpecs:
                        - parentDiscreteValues: {values: [0.01]}
                          parameterSpec: {parameterId: warmup, integerValueSpec: {minValue: 0, maxValue: 10}}

                    """),
            expected:
                "tuning.yml:11:7: error: lr: conditionalParameterSpecs entry 1: lr is a DOUBLE parameter, which cannot be a parent — conditions take a CATEGORICAL, INTEGER or DISCRETE parent",
            key: "parameterSpec"),
        Refusal(
            name: "flat: a DOUBLE parent",
            text: """
                params:
                  - {parameterName: lr, type: DOUBLE, minValue: 0.001, maxValue: 0.1}
                  - {parameterName: warmup, type: INTEGER, minValue: 0, maxValue: 10, parentParameter: lr, parentDiscreteValues: [0.01]}
                """,
            expected:
                "tuning.yml:3:71: error: warmup: lr is a DOUBLE parameter, which cannot be a parent — conditions take a CATEGORICAL, INTEGER or DISCRETE parent",
            key: "parentParameter"),
        Refusal(
            name: "flat: values without parentParameter",
            text: "params:\n  - {parameterName: m, type: DOUBLE, minValue: 0, maxValue: 1, parentCategoricalValues: [sgd]}\n",
            expected:
                "tuning.yml:2:64: error: m: parentCategoricalValues needs a parent — name the parent with parentParameter, or nest this parameter in its parent's conditionalParameterSpecs",
            key: "parentCategoricalValues"),
        Refusal(
            name: "flat: parentParameter without values",
            text: """
                params:
                  - {parameterName: opt, type: CATEGORICAL, categoricalValues: [adam, sgd]}
                  - {parameterName: m, type: DOUBLE, minValue: 0, maxValue: 1, parentParameter: opt}
                """,
            expected: "tuning.yml:3:64: error: m: missing parentCategoricalValues: the values of opt under which this parameter is active",
            key: "parentParameter"),
        Refusal(
            name: "nested: parentParameter as well",
            text: """
                params:
                  - parameterName: opt
                    type: CATEGORICAL
                    categoricalValues: [adam, sgd]
                    conditionalParameterSpecs:
                      - parentCategoricalValues: [sgd]
                        parameterSpec: {parameterName: m, type: DOUBLE, minValue: 0, maxValue: 1, parentParameter: opt}
                """,
            expected: "tuning.yml:7:83: error: m: a parameter nested in opt's conditionalParameterSpecs has its parent already — remove parentParameter",
            key: "parentParameter"),
    ]

    @Test("each refusal names the file, line, column and key", arguments: cases)
    func refused(_ refusal: Refusal) {
        refusal.check()
    }
}

@Suite("Conditional parameters: the grid over a tree", .limitedParallelism)
struct ConditionalGridTests {
    @Test("Grid(spec:).count over a small tree, and every point holds only its active parameters")
    func gridCount() throws {
        let spec = try parseConfig(
            vertex(
                study: "  algorithm: GRID_SEARCH\n",
                parameters: """
                      - parameterId: optimizer
                        categoricalValueSpec: {values: [adam, sgd, rmsprop]}
                        conditionalParameterSpecs:
                        - parentCategoricalValues: {values: [sgd]}
                          parameterSpec: {parameterId: momentum, discreteValueSpec: {values: [0, 0.9]}}
                        - parentCategoricalValues: {values: [adam]}
                          parameterSpec: {parameterId: beta1, discreteValueSpec: {values: [0.9, 0.99, 0.999]}}
                      - parameterId: layers
                        integerValueSpec: {minValue: 1, maxValue: 3}
                        conditionalParameterSpecs:
                        - parentIntValues: {values: [2, 3]}
                          parameterSpec:
                            parameterId: width
                            discreteValueSpec: {values: [32, 64]}
                            conditionalParameterSpecs:
                            - parentDiscreteValues: {values: [64]}
                              parameterSpec: {parameterId: dropout, discreteValueSpec: {values: [0.1, 0.2, 0.3]}}

                    """)
        ).spec
        // optimizer: rmsprop (1) + sgd × momentum (2) + adam × beta1 (3) = 6.
        // width: 32 (1) + 64 × dropout (3) = 4.
        // layers: 1 (1) + 2 × width (4) + 3 × width (4) = 9.
        // The two roots are independent: 6 × 9 = 54.
        let grid = try #require(Grid(spec: spec))
        #expect(grid.count == 54)
        var seen = Set<[String]>()
        for index in 0..<54 {
            let point = grid.point(at: index)
            var chosen: [String: String] = [:]
            for param in spec.params where spec.isActive(param, given: chosen) {
                chosen[param.name] = point[param.name]?.text
            }
            #expect(Set(point.names) == Set(chosen.keys), "point \(index) holds exactly its active parameters: \(point.flags)")
            #expect(!chosen.values.contains { $0.isEmpty })
            seen.insert(point.flags)
        }
        #expect(seen.count == 54, "every combination once")
        #expect(Set(seen.map { $0.filter { $0.hasPrefix("--dropout=") }.count }) == [0, 1])
    }
}
