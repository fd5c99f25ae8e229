/// The keys a tuning config may hold, spelled as Cloud ML spells them.
enum SpecKeys {
    /// `HyperparameterSpec` fields, plus tune's extensions (`seed`, `measurementSelectionType`,
    /// `trialTimeout`, …; `metrics`, Vertex AI's list of objectives and safety metrics).
    static let spec = [
        "goal", "hyperparameterMetricTag", "maxTrials", "maxParallelTrials", "maxFailedTrials",
        "algorithm", "params", "enableTrialEarlyStopping", "resumePreviousJobId",
        "seed", "measurementSelectionType", "trialTimeout", "maxTrialRetries", "earlyStopping", "gpusPerTrial", "trialsPerGPU",
        "resourceParameter", "minResource", "maxResource", "reductionFactor", "hyperbandBrackets", "hyperbandSampler",
        "perturbationInterval", "populationSize", "quantileFraction", "resampleProbability", "perturbationFactors",
        "perTrialWorkingDirectory", "metrics", "studyStoppingConfig", "targetValue", "minImprovement", "enqueue", "parameterStyle",
    ]

    /// `ParameterSpec` fields, plus tune's `defaultValue` and conditions (`condition`).
    static let parameter =
        [
            "parameterName", "type", "minValue", "maxValue", "scaleType", "categoricalValues", "discreteValues",
            "defaultValue",
        ] + condition

    /// Conditional parameters, as Vertex AI writes them (`conditionalParameterSpecs` inside the
    /// parent), and tune's flat form in the Cloud ML shape (`parentParameter` in the child).
    static let condition = ["conditionalParameterSpecs", "parentParameter"] + parentValues
    static let parentValues = ["parentCategoricalValues", "parentIntValues", "parentDiscreteValues"]

    /// tune's extension keys: beside `params` in the Cloud ML shape, beside `studySpec` in the Vertex AI one.
    static let extensions = [
        "seed", "trialTimeout", "maxTrialRetries", "earlyStopping", "gpusPerTrial", "trialsPerGPU",
        "resourceParameter", "minResource", "maxResource", "reductionFactor", "hyperbandBrackets", "hyperbandSampler",
        "perturbationInterval", "populationSize", "quantileFraction", "resampleProbability", "perturbationFactors",
        "perTrialWorkingDirectory", "targetValue", "minImprovement", "enqueue", "parameterStyle",
    ]

    /// The keys that hold the spec in gcloud's job file.
    static let trainingInput = "trainingInput"
    static let hyperparameters = "hyperparameters"

    /// tune extension: the `launcher:` block, at the top level of the file in every shape.
    static let launcher = "launcher"

    /// The keys of the `launcher:` block (`LauncherSpec`).
    static let launcherBlock = [
        "type", "partition", "time", "cpusPerTask", "mem", "gres", "gpus", "account", "qos", "constraint", "extraArgs",
    ]

    /// Cloud ML's `trainingInput.jobDir` (also accepted at the top level of the other shapes): trials get `--job-dir`.
    static let jobDir = "jobDir"

    /// Fields of Cloud ML's `Job` and `TrainingInput` other than the spec: accepted beside it and ignored,
    /// since tune runs trials locally.
    static let cloudOnly: Set<String> = [
        // Job
        "jobId", "labels", "etag", "createTime", "startTime", "endTime", "state", "errorMessage",
        "trainingOutput", "predictionInput", "predictionOutput",
        // TrainingInput
        "scaleTier", "masterType", "masterConfig", "workerType", "workerConfig", "workerCount",
        "parameterServerType", "parameterServerConfig", "parameterServerCount",
        "evaluatorType", "evaluatorConfig", "evaluatorCount", "packageUris", "pythonModule", "args",
        "region", "runtimeVersion", "pythonVersion", "encryptionConfig", "scheduling",
        "network", "serviceAccount", "useChiefInTfConfig", "enableWebAccess",
    ]
}
