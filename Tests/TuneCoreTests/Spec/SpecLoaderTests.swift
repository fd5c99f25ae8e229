import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// The spec every shape below describes.
private let expectedSpec = TuningSpec(
    goal: .minimize,
    metricTag: "val_loss",
    maxTrials: 10,
    maxParallelTrials: 2,
    algorithm: .random,
    params: [
        ParameterSpec(name: "dropout1", domain: .double(min: 0.2, max: 0.6, scale: .linear)),
        ParameterSpec(name: "units", domain: .integer(min: 32, max: 256, scale: .log)),
        ParameterSpec(name: "activation", domain: .categorical(["relu", "tanh"])),
        ParameterSpec(
            name: "batch-size",
            domain: .discrete([
                DiscreteValue(value: 32, text: "32"), DiscreteValue(value: 64, text: "64"),
            ])),
    ]
)

private let specBody = """
    goal: MINIMIZE
    hyperparameterMetricTag: val_loss
    maxTrials: 10
    maxParallelTrials: 2
    algorithm: RANDOM_SEARCH
    params:
      - parameterName: dropout1
        type: DOUBLE
        minValue: 0.2
        maxValue: 0.6
        scaleType: UNIT_LINEAR_SCALE
      - parameterName: units
        type: INTEGER
        minValue: 32
        maxValue: 256
        scaleType: UNIT_LOG_SCALE
      - parameterName: activation
        type: CATEGORICAL
        categoricalValues: [relu, tanh]
      - parameterName: batch-size
        type: DISCRETE
        discreteValues: [32, 64]
    """

private func indented(_ text: String, by spaces: Int) -> String {
    let pad = String(repeating: " ", count: spaces)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
}

@Suite("SpecLoader: shapes and real files", .limitedParallelism)
struct SpecLoaderShapeTests {
    static let shapes: [String] = [
        "trainingInput:\n  hyperparameters:\n" + indented(specBody, by: 4),
        "hyperparameters:\n" + indented(specBody, by: 2),
        specBody,
    ]

    @Test("the three shapes give the same spec", arguments: shapes)
    func shapesAgree(text: String) throws {
        let loaded = try parseConfig(text)
        #expect(loaded.spec == expectedSpec)
        #expect(loaded.notes.isEmpty)
    }

    @Test("an R cloudml tuning.yml with comments")
    func rCloudml() throws {
        let text = """
            # tuning.yml for cloudml::cloudml_train()
            goal: MAXIMIZE
            hyperparameterMetricTag: val_acc   # reported by keras
            maxTrials: 10
            maxParallelTrials: 2
            params:
              - parameterName: dropout1
                type: DOUBLE
                minValue: 0.2
                maxValue: 0.6
                scaleType: UNIT_LINEAR_SCALE
              - parameterName: dropout2
                type: DOUBLE
                minValue: 0.1
                maxValue: 0.5
                scaleType: UNIT_LINEAR_SCALE
            """
        let spec = try parseConfig(text).spec
        #expect(spec.goal == .maximize)
        #expect(spec.metricTag == "val_acc")
        #expect(spec.maxTrials == 10)
        #expect(spec.params.map(\.name) == ["dropout1", "dropout2"])
        #expect(spec.params[1].domain == .double(min: 0.1, max: 0.5, scale: .linear))
    }

    @Test("a full gcloud job file: cloud-only keys are ignored with one note")
    func gcloudFile() throws {
        let text = """
            jobId: census_hptune_1
            labels:
              team: ml
            trainingInput:
              scaleTier: CUSTOM
              masterType: complex_model_m
              workerType: complex_model_m
              workerCount: 2
              runtimeVersion: "2.11"
              pythonVersion: "3.7"
              region: us-central1
              jobDir: gs://bucket/job
              packageUris: [gs://bucket/trainer-0.1.tar.gz]
              pythonModule: trainer.task
              args: ["--epochs", "10"]
              masterConfig:
                imageUri: gcr.io/project/image
              hyperparameters:
                goal: MAXIMIZE
                hyperparameterMetricTag: accuracy
                maxTrials: 4
                maxParallelTrials: 2
                enableTrialEarlyStopping: True
                params:
                  - parameterName: hidden1
                    type: INTEGER
                    minValue: 40
                    maxValue: 400
                    scaleType: UNIT_LINEAR_SCALE
            """
        let loaded = try parseConfig(text)
        #expect(loaded.spec.metricTag == "accuracy")
        #expect(loaded.spec.enableTrialEarlyStopping)
        #expect(loaded.spec.params == [ParameterSpec(name: "hidden1", domain: .integer(min: 40, max: 400, scale: .linear))])
        #expect(
            loaded.notes == [
                "ignoring cloud-only keys in tuning.yml: jobId, labels, trainingInput.scaleTier, trainingInput.masterType, "
                    + "trainingInput.workerType, trainingInput.workerCount, trainingInput.runtimeVersion, "
                    + "trainingInput.pythonVersion, trainingInput.region, trainingInput.packageUris, "
                    + "trainingInput.pythonModule, trainingInput.args, trainingInput.masterConfig (tune runs trials locally)"
            ])
        #expect(loaded.spec.jobDir == "gs://bucket/job", "jobDir is read: trials get --job-dir")
    }

    @Test("jobDir in every shape, and perTrialWorkingDirectory")
    func jobDirAndWorkingDirectory() throws {
        let params = """
            params:
              - parameterName: x
                type: DOUBLE
                minValue: 0
                maxValue: 1
            """
        let indented = params.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let bare = try parseConfig("jobDir: out\nperTrialWorkingDirectory: true\n" + params)
        #expect(bare.spec.jobDir == "out" && bare.spec.isolatesWorkingDirectory && bare.notes.isEmpty, "\(bare)")
        let held = try parseConfig(
            "jobDir: gs://b/j\nhyperparameters:\n  perTrialWorkingDirectory: false\n" + params.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        #expect(held.spec.jobDir == "gs://b/j" && !held.spec.isolatesWorkingDirectory && held.spec.perTrialWorkingDirectory == nil)
        let gcloud = try parseConfig("trainingInput:\n  jobDir: gs://b/j\n  hyperparameters:\n" + indented)
        #expect(gcloud.spec.jobDir == "gs://b/j" && gcloud.notes.isEmpty, "\(gcloud)")
        let none = try parseConfig(params)
        #expect(none.spec.jobDir == nil && !none.spec.passesJobDir && !none.spec.isolatesWorkingDirectory)
        #expect(configFailure("jobDir: [a]\n" + params)?.description.contains("jobDir must be a string") == true)
        #expect(configFailure("perTrialWorkingDirectory: maybe\n" + params)?.key == "perTrialWorkingDirectory")
    }

    @Test("a JSON config, int64 values quoted as Cloud ML writes them")
    func json() throws {
        let text = """
            {
              "trainingInput": {
                "scaleTier": "BASIC",
                "hyperparameters": {
                  "goal": "MINIMIZE",
                  "hyperparameterMetricTag": "val_loss",
                  "maxTrials": "10",
                  "maxParallelTrials": "2",
                  "algorithm": "RANDOM_SEARCH",
                  "params": [
                    {"parameterName": "dropout1", "type": "DOUBLE", "minValue": 0.2, "maxValue": 0.6,
                     "scaleType": "UNIT_LINEAR_SCALE"},
                    {"parameterName": "units", "type": "INTEGER", "minValue": "32", "maxValue": "256",
                     "scaleType": "UNIT_LOG_SCALE"},
                    {"parameterName": "activation", "type": "CATEGORICAL", "categoricalValues": ["relu", "tanh"]},
                    {"parameterName": "batch-size", "type": "DISCRETE", "discreteValues": [32, 64]}
                  ]
                }
              }
            }
            """
        let loaded = try parseConfig(text)
        #expect(loaded.spec == expectedSpec)
        #expect(loaded.notes == ["ignoring cloud-only key in tuning.yml: trainingInput.scaleTier (tune runs trials locally)"])
    }

    @Test("a minimal config takes Cloud ML's defaults")
    func defaults() throws {
        let spec = try parseConfig("params:\n  - {parameterName: lr, type: DOUBLE, minValue: 0.001, maxValue: 0.1}\n").spec
        #expect(spec == TuningSpec(params: [ParameterSpec(name: "lr", domain: .double(min: 0.001, max: 0.1, scale: .none))]))
        #expect(spec.goal == .maximize)
        #expect(spec.metricTag == "training/hptuning/metric")
        #expect(spec.maxTrials == 1)
        #expect(spec.maxParallelTrials == 1)
        #expect(spec.maxFailedTrials == nil)
        #expect(spec.algorithm == .unspecified)
        #expect(spec.measurementSelection == .last)
        #expect(spec.seed == nil)
    }

    @Test("YAML syntax: ---, comments, quotes, flow style")
    func yamlSyntax() throws {
        let text = """
            ---
            # a comment
            goal: 'MINIMIZE'   # quoted
            hyperparameterMetricTag: "val_loss"
            maxTrials: "10"
            maxParallelTrials: '2'
            algorithm: RANDOM_SEARCH
            params: [
              {parameterName: dropout1, type: DOUBLE, minValue: '0.2', maxValue: "0.6", scaleType: UNIT_LINEAR_SCALE},
              {parameterName: units, type: INTEGER, minValue: 32, maxValue: 256.0, scaleType: UNIT_LOG_SCALE},
              {parameterName: activation, type: CATEGORICAL, categoricalValues: ["relu", 'tanh']},
              {parameterName: "batch-size", type: DISCRETE, discreteValues: ["32", 64]},
            ]
            """
        #expect(try parseConfig(text).spec == expectedSpec)
    }

    @Test(
        "booleans in every YAML spelling",
        arguments: [
            ("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false), ("FALSE", false),
            ("\"true\"", true),
        ])
    func booleans(text: String, value: Bool) throws {
        let spec = try parseConfig("enableTrialEarlyStopping: \(text)\nparams: [{parameterName: a, type: INTEGER, minValue: 1, maxValue: 2}]").spec
        #expect(spec.enableTrialEarlyStopping == value)
    }

    @Test("anchors, aliases and merge keys")
    func anchors() throws {
        let text = """
            params:
              - &base {parameterName: dropout1, type: DOUBLE, minValue: 0.2, maxValue: 0.6}
              - <<: *base
                parameterName: dropout2
                maxValue: 0.5
            """
        let spec = try parseConfig(text).spec
        #expect(
            spec.params == [
                ParameterSpec(name: "dropout1", domain: .double(min: 0.2, max: 0.6, scale: .none)),
                ParameterSpec(name: "dropout2", domain: .double(min: 0.2, max: 0.5, scale: .none)),
            ])
    }
}

@Suite("SpecLoader: fields", .limitedParallelism)
struct SpecLoaderFieldTests {
    private func single(_ param: String, algorithm: String = "RANDOM_SEARCH") throws -> ParameterSpec {
        let spec = try parseConfig("algorithm: \(algorithm)\nparams:\n  - \(param)\n").spec
        return spec.params[0]
    }

    @Test("tune's extensions and the remaining Cloud ML fields")
    func extensions() throws {
        let text = """
            maxFailedTrials: 3
            seed: 18446744073709551615
            measurementSelectionType: BEST_MEASUREMENT
            resumePreviousJobId: job_7
            hyperparameterMetricTag: eval/accuracy
            params: [{parameterName: a, type: INTEGER, minValue: 1, maxValue: 2}]
            """
        let loaded = try parseConfig(text)
        #expect(loaded.spec.maxFailedTrials == 3)
        #expect(loaded.spec.seed == UInt64.max)
        #expect(loaded.spec.measurementSelection == .best)
        #expect(loaded.spec.resumePreviousJobId == "job_7")
        #expect(loaded.spec.metricTag == "eval/accuracy")
        #expect(loaded.notes.isEmpty, "resumePreviousJobId is acted on now: \(loaded.notes)")
    }

    @Test("maxFailedTrials 0 means Cloud ML's default")
    func maxFailedZero() throws {
        let spec = try parseConfig("maxFailedTrials: 0\nparams: [{parameterName: a, type: INTEGER, minValue: 1, maxValue: 2}]").spec
        #expect(spec.maxFailedTrials == nil)
    }

    @Test("DISCRETE values keep their text and order")
    func discreteText() throws {
        let param = try single("{parameterName: lr, type: DISCRETE, discreteValues: [1e-4, 1e-3, 0.01, 32, '64', 1.5e2]}")
        guard case .discrete(let values) = param.domain else {
            Issue.record("not discrete: \(param.domain)")
            return
        }
        #expect(values.map(\.text) == ["1e-4", "1e-3", "0.01", "32", "64", "1.5e2"])
        #expect(values.map(\.value) == [1e-4, 1e-3, 0.01, 32, 64, 150])
    }

    @Test("unquoted numbers in categoricalValues are taken as text")
    func categoricalNumbers() throws {
        let param = try single("{parameterName: opt, type: CATEGORICAL, categoricalValues: [adam, 1e-3, 10, true]}")
        #expect(param.domain == .categorical(["adam", "1e-3", "10", "true"]))
    }

    @Test("INTEGER bounds written as integral decimals")
    func integralDecimals() throws {
        let param = try single("{parameterName: epochs, type: INTEGER, minValue: 2.0, maxValue: '10'}")
        #expect(param.domain == .integer(min: 2, max: 10, scale: .none))
    }

    @Test("min == max pins a constant, which GRID_SEARCH accepts even for DOUBLE")
    func constantDouble() throws {
        let param = try single("{parameterName: lr, type: DOUBLE, minValue: 0.1, maxValue: 0.1}", algorithm: "GRID_SEARCH")
        #expect(param.domain == .double(min: 0.1, max: 0.1, scale: .none))
    }

    @Test("GRID_SEARCH takes INTEGER, CATEGORICAL and DISCRETE")
    func gridTypes() throws {
        let text = """
            algorithm: GRID_SEARCH
            params:
              - {parameterName: a, type: INTEGER, minValue: 1, maxValue: 3}
              - {parameterName: b, type: CATEGORICAL, categoricalValues: [x, y]}
              - {parameterName: c, type: DISCRETE, discreteValues: [1, 2]}
            """
        #expect(try parseConfig(text).spec.algorithm == .grid)
    }

    @Test("scaleType is tolerated on DISCRETE and NONE on CATEGORICAL")
    func scaleTolerance() throws {
        let discrete = try single("{parameterName: b, type: DISCRETE, discreteValues: [1, 2], scaleType: UNIT_LOG_SCALE}")
        #expect(discrete.domain == .discrete([DiscreteValue(value: 1, text: "1"), DiscreteValue(value: 2, text: "2")]))
        let categorical = try single("{parameterName: c, type: CATEGORICAL, categoricalValues: [x], scaleType: NONE}")
        #expect(categorical.domain == .categorical(["x"]))
    }

    @Test("parameter names may hold '-', '_' and '.'", arguments: ["batch-size", "learning_rate", "model.depth", "l2"])
    func parameterNames(name: String) throws {
        #expect(try single("{parameterName: \(name), type: INTEGER, minValue: 1, maxValue: 2}").name == name)
    }
}

/// A config that must fail, and the full message the user sees.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let expected: String
    var testDescription: String { name }
}

@Suite("SpecLoader: errors", .limitedParallelism)
struct SpecLoaderErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase(
            name: "misspelled key",
            yaml: """
                trainingInput:
                  scaleTier: CUSTOM
                  hyperparameters:
                    goal: MAXIMIZE
                    maxTrails: 10
                    params: [{parameterName: a, type: INTEGER, minValue: 1, maxValue: 2}]
                """, expected: "tuning.yml:5:5: error: unknown key 'maxTrails' — did you mean 'maxTrials'?"),
        ErrorCase(
            name: "min above max",
            yaml: """
                hyperparameters:
                  goal: MAXIMIZE
                  hyperparameterMetricTag: acc
                  maxTrials: 10
                  maxParallelTrials: 2
                  params:
                    - parameterName: dropout1
                      type: DOUBLE
                      minValue: 0.6
                      maxValue: 0.2
                      scaleType: UNIT_LINEAR_SCALE
                """, expected: "tuning.yml:9:7: error: dropout1: minValue 0.6 is not below maxValue 0.2"),
        ErrorCase(
            name: "log scale from 0",
            yaml: """
                hyperparameters:
                  goal: MAXIMIZE
                  maxTrials: 10
                  params:
                    - parameterName: dropout1
                      type: DOUBLE
                      minValue: 0.2
                      maxValue: 0.6
                    - parameterName: lr
                      type: DOUBLE
                      scaleType: UNIT_LOG_SCALE
                      minValue: 0
                      maxValue: 0.1
                """, expected: "tuning.yml:12:7: error: lr: UNIT_LOG_SCALE needs minValue > 0, got 0"),
        ErrorCase(
            name: "reverse log scale below 0",
            yaml: """
                params:
                  - {parameterName: m, type: INTEGER, minValue: -1, maxValue: 9, scaleType: UNIT_REVERSE_LOG_SCALE}
                """, expected: "tuning.yml:2:39: error: m: UNIT_REVERSE_LOG_SCALE needs minValue > 0, got -1"),
        ErrorCase(
            name: "snake_case spec key", yaml: "goal: MAXIMIZE\nmax_trials: 10\n",
            expected: "tuning.yml:2:1: error: unknown key 'max_trials' — Cloud ML keys are camelCase: write 'maxTrials'"),
        ErrorCase(
            name: "snake_case metric tag", yaml: "hyperparameter_metric_tag: acc\n",
            expected: "tuning.yml:1:1: error: unknown key 'hyperparameter_metric_tag' — Cloud ML keys are camelCase: write 'hyperparameterMetricTag'"),
        ErrorCase(
            name: "snake_case parameter_name", yaml: "params:\n  - parameter_name: lr\n    type: DOUBLE\n",
            expected: "tuning.yml:2:5: error: params entry 1: unknown key 'parameter_name' — Cloud ML keys are camelCase: write 'parameterName'"),
        ErrorCase(
            name: "snake_case min_value", yaml: "params:\n  - parameterName: lr\n    type: DOUBLE\n    min_value: 0\n",
            expected: "tuning.yml:4:5: error: lr: unknown key 'min_value' — Cloud ML keys are camelCase: write 'minValue'"),
        ErrorCase(
            name: "wrong case key", yaml: "MaxTrials: 3\n",
            expected: "tuning.yml:1:1: error: unknown key 'MaxTrials' — did you mean 'maxTrials'?"),
        ErrorCase(
            name: "parameter key at spec level", yaml: "minValue: 3\n",
            expected: "tuning.yml:1:1: error: unknown key 'minValue' — 'minValue' belongs inside a params entry"),
        ErrorCase(
            name: "unknown key, nothing near", yaml: "colour: blue\n",
            expected: "tuning.yml:1:1: error: unknown key 'colour'"),
        ErrorCase(
            name: "maxTrials not a number", yaml: "maxTrials: ten\n",
            expected: "tuning.yml:1:12: error: maxTrials must be a positive integer, got 'ten'"),
        ErrorCase(
            name: "maxTrials zero", yaml: "maxTrials: 0\n",
            expected: "tuning.yml:1:12: error: maxTrials must be a positive integer, got '0'"),
        ErrorCase(
            name: "maxParallelTrials fractional", yaml: "maxParallelTrials: 1.5\n",
            expected: "tuning.yml:1:20: error: maxParallelTrials must be a positive integer, got '1.5'"),
        ErrorCase(
            name: "maxTrials a list", yaml: "maxTrials: [1]\n",
            expected: "tuning.yml:1:12: error: maxTrials must be a positive integer, got a list"),
        ErrorCase(
            name: "maxFailedTrials negative", yaml: "maxFailedTrials: -1\n",
            expected: "tuning.yml:1:18: error: maxFailedTrials must be a non-negative integer, got '-1'"),
        ErrorCase(
            name: "seed negative", yaml: "seed: -4\n",
            expected: "tuning.yml:1:7: error: seed must be a non-negative integer, got '-4'"),
        ErrorCase(
            name: "bool misspelled", yaml: "enableTrialEarlyStopping: maybe\n",
            expected: "tuning.yml:1:27: error: enableTrialEarlyStopping must be true or false, got 'maybe'"),
        ErrorCase(
            name: "goal lower case", yaml: "goal: maximize\n",
            expected: "tuning.yml:1:7: error: goal must be MAXIMIZE or MINIMIZE, got 'maximize' — Cloud ML values are upper case: write 'MAXIMIZE'"),
        ErrorCase(
            name: "algorithm shortened", yaml: "algorithm: GRID\n",
            expected:
                "tuning.yml:1:12: error: algorithm must be one of ALGORITHM_UNSPECIFIED, GRID_SEARCH, RANDOM_SEARCH, HYPERBAND or PBT, got 'GRID' — did you mean 'GRID_SEARCH'?"),
        ErrorCase(
            name: "metric tag empty", yaml: "hyperparameterMetricTag: ''\n",
            expected: "tuning.yml:1:26: error: hyperparameterMetricTag must be a non-empty string, got ''"),
        ErrorCase(
            name: "no params", yaml: "goal: MAXIMIZE\nmaxTrials: 4\n",
            expected: "tuning.yml:1:1: error: missing params — list at least one parameter under params"),
        ErrorCase(
            name: "params empty", yaml: "params: []\n",
            expected: "tuning.yml:1:9: error: params must not be empty"),
        ErrorCase(
            name: "params a mapping", yaml: "params:\n  lr: 1\n",
            expected: "tuning.yml:2:3: error: params must be a list, got a mapping"),
        ErrorCase(
            name: "GRID_SEARCH with a DOUBLE range",
            yaml: """
                algorithm: GRID_SEARCH
                params:
                  - parameterName: units
                    type: INTEGER
                    minValue: 1
                    maxValue: 4
                  - parameterName: lr
                    type: DOUBLE
                    minValue: 0.1
                    maxValue: 0.5
                """, expected: "tuning.yml:8:5: error: lr: GRID_SEARCH cannot search a DOUBLE parameter — use INTEGER or DISCRETE values, or RANDOM_SEARCH"),
        ErrorCase(
            name: "INTEGER bound fractional",
            yaml: """
                params:
                  - parameterName: epochs
                    type: INTEGER
                    minValue: 1.5
                    maxValue: 10
                """, expected: "tuning.yml:4:15: error: epochs: minValue must be an integer for an INTEGER parameter, got '1.5'"),
        ErrorCase(
            name: "duplicate parameter names",
            yaml: """
                params:
                  - parameterName: lr
                    type: DOUBLE
                    minValue: 0.1
                    maxValue: 0.5
                  - parameterName: lr
                    type: INTEGER
                    minValue: 1
                    maxValue: 2
                """, expected: "tuning.yml:6:20: error: duplicate parameter name 'lr' — first defined at line 2"),
        ErrorCase(
            name: "parameter name with a space", yaml: "params:\n  - {parameterName: learning rate, type: DOUBLE}\n",
            expected: "tuning.yml:2:21: error: learning rate: parameterName must be a flag name (letters, digits, '_', '-' and '.', not starting with '-'), got 'learning rate'"),
        ErrorCase(
            name: "parameter name starting with '-'", yaml: "params:\n  - {parameterName: '-lr', type: DOUBLE}\n",
            expected: "tuning.yml:2:21: error: -lr: parameterName must be a flag name (letters, digits, '_', '-' and '.', not starting with '-'), got '-lr'"),
        ErrorCase(
            name: "parameter name missing", yaml: "params:\n  - type: DOUBLE\n",
            expected: "tuning.yml:2:5: error: params entry 1: missing parameterName — name the flag the trial receives"),
        ErrorCase(
            name: "type missing", yaml: "params:\n  - parameterName: lr\n",
            expected: "tuning.yml:2:5: error: lr: missing type — type is DOUBLE, INTEGER, CATEGORICAL or DISCRETE"),
        ErrorCase(
            name: "type lower case", yaml: "params:\n  - parameterName: lr\n    type: double\n",
            expected: "tuning.yml:3:11: error: lr: type must be one of DOUBLE, INTEGER, CATEGORICAL or DISCRETE, got 'double' — Cloud ML values are upper case: write 'DOUBLE'"),
        ErrorCase(
            name: "DOUBLE without maxValue", yaml: "params:\n  - parameterName: lr\n    type: DOUBLE\n    minValue: 0\n",
            expected: "tuning.yml:2:5: error: lr: missing maxValue — a DOUBLE parameter needs minValue and maxValue"),
        ErrorCase(
            name: "minValue not a number", yaml: "params:\n  - {parameterName: lr, type: DOUBLE, minValue: low, maxValue: 1}\n",
            expected: "tuning.yml:2:49: error: lr: minValue must be a number, got 'low'"),
        ErrorCase(
            name: "minValue infinite", yaml: "params:\n  - {parameterName: lr, type: DOUBLE, minValue: .inf, maxValue: 1}\n",
            expected: "tuning.yml:2:49: error: lr: minValue must be a finite number, got '.inf' — NaN and infinity are not allowed here: write a finite number"),
        ErrorCase(
            name: "categoricalValues on DOUBLE",
            yaml: """
                params:
                  - parameterName: lr
                    type: DOUBLE
                    minValue: 0.1
                    maxValue: 0.5
                    categoricalValues: [a]
                """, expected: "tuning.yml:6:5: error: lr: categoricalValues does not apply to a DOUBLE parameter — a DOUBLE parameter takes minValue, maxValue and scaleType"),
        ErrorCase(
            name: "minValue on CATEGORICAL",
            yaml: """
                params:
                  - parameterName: act
                    type: CATEGORICAL
                    minValue: 1
                    categoricalValues: [relu]
                """, expected: "tuning.yml:4:5: error: act: minValue does not apply to a CATEGORICAL parameter — a CATEGORICAL parameter takes categoricalValues"),
        ErrorCase(
            name: "log scale on CATEGORICAL",
            yaml: """
                params:
                  - parameterName: act
                    type: CATEGORICAL
                    categoricalValues: [relu]
                    scaleType: UNIT_LOG_SCALE
                """, expected: "tuning.yml:5:5: error: act: scaleType UNIT_LOG_SCALE does not apply to a CATEGORICAL parameter — remove it or write NONE"),
        ErrorCase(
            name: "scaleType misspelled", yaml: "params:\n  - {parameterName: lr, type: DOUBLE, minValue: 1, maxValue: 2, scaleType: LINEAR}\n",
            expected:
                "tuning.yml:2:76: error: lr: scaleType must be one of NONE, UNIT_LINEAR_SCALE, UNIT_LOG_SCALE or UNIT_REVERSE_LOG_SCALE, got 'LINEAR' — did you mean 'UNIT_LINEAR_SCALE'?"
        ),
        ErrorCase(
            name: "categoricalValues empty", yaml: "params:\n  - {parameterName: act, type: CATEGORICAL, categoricalValues: []}\n",
            expected: "tuning.yml:2:64: error: act: categoricalValues must not be empty"),
        ErrorCase(
            name: "categoricalValues duplicated",
            yaml: "params:\n  - parameterName: act\n    type: CATEGORICAL\n    categoricalValues:\n      - relu\n      - tanh\n      - relu\n",
            expected: "tuning.yml:7:9: error: act: duplicate categorical value 'relu' — first given at line 5"),
        ErrorCase(
            name: "categoricalValues nested", yaml: "params:\n  - {parameterName: act, type: CATEGORICAL, categoricalValues: [[a]]}\n",
            expected: "tuning.yml:2:65: error: act: categoricalValues must hold strings, got a list"),
        ErrorCase(
            name: "discreteValues out of order", yaml: "params:\n  - parameterName: batch\n    type: DISCRETE\n    discreteValues: [32, 128, 64]\n",
            expected: "tuning.yml:4:31: error: batch: discreteValues must increase strictly: 64 follows 128 — list the values in increasing order, each once"),
        ErrorCase(
            name: "discreteValues repeated", yaml: "params:\n  - {parameterName: b, type: DISCRETE, discreteValues: [1, 1.0]}\n",
            expected: "tuning.yml:2:60: error: b: discreteValues must increase strictly: 1.0 follows 1 — list the values in increasing order, each once"),
        ErrorCase(
            name: "discreteValues not numbers", yaml: "params:\n  - {parameterName: b, type: DISCRETE, discreteValues: [1, two]}\n",
            expected: "tuning.yml:2:60: error: b: discreteValues must hold numbers, got 'two'"),
        ErrorCase(
            name: "trainingInput without hyperparameters", yaml: "trainingInput:\n  scaleTier: BASIC\n",
            expected: "tuning.yml:1:1: error: trainingInput has no hyperparameters — tune reads the tuning spec from trainingInput.hyperparameters"),
        ErrorCase(
            name: "trainingInput with a near key", yaml: "trainingInput:\n  scaleTier: BASIC\n  hyperparameter:\n    goal: MAXIMIZE\n",
            expected: "tuning.yml:3:3: error: unknown key 'hyperparameter' — did you mean 'hyperparameters'?"),
        ErrorCase(
            name: "spec key directly in trainingInput", yaml: "trainingInput:\n  goal: MAXIMIZE\n",
            expected: "tuning.yml:2:3: error: 'goal' belongs under trainingInput.hyperparameters"),
        ErrorCase(
            name: "spec key beside hyperparameters", yaml: "hyperparameters:\n  maxTrials: 2\ngoal: MAXIMIZE\n",
            expected: "tuning.yml:3:1: error: 'goal' belongs under hyperparameters"),
        ErrorCase(
            name: "singular hyperparameter at the top", yaml: "hyperparameter:\n  goal: MAXIMIZE\n",
            expected: "tuning.yml:1:1: error: unknown key 'hyperparameter' — did you mean 'hyperparameters'?"),
        ErrorCase(
            name: "hyperparameters not a mapping", yaml: "hyperparameters: [1, 2]\n",
            expected: "tuning.yml:1:18: error: hyperparameters must be a mapping of keys to values, got a list"),
        ErrorCase(name: "empty file", yaml: "", expected: "tuning.yml: error: tuning.yml is empty — write a hyperparameter spec: goal, maxTrials, params, …"),
        ErrorCase(
            name: "only comments", yaml: "# nothing yet\n---\n",
            expected: "tuning.yml: error: tuning.yml is empty — write a hyperparameter spec: goal, maxTrials, params, …"),
        ErrorCase(
            name: "top is a list", yaml: "- goal: MAXIMIZE\n",
            expected: "tuning.yml:1:1: error: the config must be a mapping with trainingInput, hyperparameters, studySpec or the spec's keys (goal, params, …), got a list"),
        ErrorCase(
            name: "top is a scalar", yaml: "hello\n",
            expected: "tuning.yml:1:1: error: the config must be a mapping with trainingInput, hyperparameters, studySpec or the spec's keys (goal, params, …), got 'hello'"),
        ErrorCase(
            name: "duplicate key", yaml: "goal: MAXIMIZE\nmaxTrials: 3\ngoal: MINIMIZE\n",
            expected: "tuning.yml:3:1: error: duplicate key 'goal' — first given at line 1"),
        ErrorCase(
            name: "duplicate key in a parameter", yaml: "params:\n  - parameterName: a\n    type: DOUBLE\n    parameterName: b\n",
            expected: "tuning.yml:4:5: error: duplicate key 'parameterName' — first given at line 2"),
    ]

    @Test("each rule names the line and column", arguments: cases)
    func rule(_ errorCase: ErrorCase) {
        let error = configFailure(errorCase.yaml)
        #expect(error?.description == errorCase.expected)
        #expect(error?.file == "tuning.yml")
    }

    @Test("errors carry the key concerned")
    func errorKey() {
        #expect(configFailure("maxTrails: 3\n")?.key == "maxTrails")
        #expect(configFailure("params:\n  - {parameterName: e, type: INTEGER, minValue: 1.5, maxValue: 3}\n")?.key == "minValue")
        #expect(configFailure("params:\n  - {parameterName: e, type: INTEGER, minValue: 1, maxValue: 3}\nmaxTrials: ten")?.hint == nil)
    }

    @Test(
        "malformed YAML is an error at the line Yams reports",
        arguments: [
            ("goal: MAXIMIZE\nparams: [a, b\nmaxTrials: 3\n", 3),
            ("goal: MAXIMIZE\n  maxTrials: 3\n", 2),
            ("goal: \"MAXIMIZE\n", 2),
            ("params:\n  - *undefined\n", 2),
            ("goal: MAXIMIZE\n---\ngoal: MINIMIZE\n", 2),
            ("goal:\tMAXIMIZE\n\tmaxTrials: 3\n", 2),
        ])
    func malformed(text: String, line: Int) {
        let error = configFailure(text)
        #expect(error?.line == line)
        #expect(error?.message.hasPrefix("invalid YAML: ") == true)
    }

    @Test("two documents are one error")
    func twoDocuments() {
        #expect(
            configFailure("goal: MAXIMIZE\n---\ngoal: MINIMIZE\n")?.description
                == "tuning.yml:2:1: error: invalid YAML: expected a single document in the stream but found another document")
    }

    @Test(
        "never crashes on odd input",
        arguments: [
            "{", "}", "[", "]", ":", "- - - -", "? a\n: b", "!!binary aGVsbG8=", "<<: 1", "<<: [1, 2]", "params: [~]",
            "params:\n  - ", "params: [{}]", "params: [{parameterName: ~}]", "\u{0}", "a: &x 1\nb: *x",
            String(repeating: "[", count: 5000), String(repeating: "- ", count: 5000) + "x",
            "maxTrials: 99999999999999999999999", "maxTrials: 1e300", "seed: 1e300", "[1, 2]: x", "? [a]\n: b",
            "params: [{parameterName: a, type: INTEGER, minValue: -1e30, maxValue: 1e30}]",
        ])
    func oddInput(text: String) {
        #expect(configFailure(text) != nil)
    }
}

@Suite("SpecLoader.load(path:)", .limitedParallelism)
struct SpecLoaderFileTests {
    @Test("reads a file and names it as given")
    func readsFile() throws {
        let folder = try TemporaryFolder("tune-spec")
        let path = try folder.write("tuning.yml", specBody)
        #expect(try SpecLoader.load(path: path).spec == expectedSpec)

        try folder.write("tuning.yml", "maxTrails: 3\n")
        #expect(
            throws: SpecError(
                file: path, line: 1, column: 1, key: "maxTrails", message: "unknown key 'maxTrails'",
                hint: "did you mean 'maxTrials'?")
        ) {
            try SpecLoader.load(path: path)
        }

        try folder.write("tuning.yml", [0x67, 0x6F, 0xC3, 0x28])
        #expect(
            throws: SpecError(
                file: path, line: 1, column: 3, message: "byte 0xC3 is not UTF-8 text",
                hint: "save the config as UTF-8 (a Latin-1 or UTF-16 file, or a binary file, cannot be read)")
        ) {
            try SpecLoader.load(path: path)
        }
    }

    @Test("a missing file is a SpecError")
    func missingFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tune-spec-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("tuning.yml").path
        #expect(throws: SpecError(file: path, message: "cannot read \(path): No such file or directory")) {
            try SpecLoader.load(path: path)
        }
    }

    @Test("a directory is a SpecError")
    func directory() throws {
        let path = FileManager.default.temporaryDirectory.path
        #expect(throws: SpecError.self) {
            try SpecLoader.load(path: path)
        }
    }
}

@Suite("SpecLoader: trialTimeout", .limitedParallelism)
struct TrialTimeoutSpecTests {
    static let params = "params: [{parameterName: a, type: INTEGER, minValue: 1, maxValue: 2}]"

    @Test(
        "durations as configs write them",
        arguments: [
            ("90s", 90.0), ("45m", 2700), ("2h", 7200), ("1h30m", 5400), ("1.5h", 5400), ("7200s", 7200), ("45", 45), ("'90s'", 90), ("1d", 86400),
        ] as [(String, Double)])
    func durations(text: String, seconds: Double) throws {
        let spec = try parseConfig("trialTimeout: \(text)\n\(Self.params)").spec
        #expect(spec.trialTimeout == seconds)
    }

    @Test func absentMeansNoLimit() throws {
        #expect(try parseConfig(Self.params).spec.trialTimeout == nil)
    }

    @Test("bad durations are errors at their line, with a hint", arguments: ["soon", "0s", "-5", "30s2h", "2 hours", "h"])
    func badDurations(text: String) throws {
        let error = try #require(configFailure("goal: MINIMIZE\ntrialTimeout: \(text)\n\(Self.params)"))
        #expect(error.line == 2, "\(error)")
        #expect(error.description.contains("trialTimeout must be a duration such as 90s, 45m, 2h or 1h30m"), "\(error)")
        #expect(error.hint != nil)
    }
}
