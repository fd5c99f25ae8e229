/// The HParams plugin's `Experiment` (tensorboard/plugins/hparams/api.proto): the hyperparameters
/// and their domains, and the metrics, that make the columns of the HParams dashboard.
///
///     Experiment  description = 1, time_created_secs = 3, hparam_infos = 4, metric_infos = 5, name = 6
///     HParamInfo  name = 1, description = 3, type = 4, domain_discrete = 5 (ListValue),
///                 domain_interval = 6 (Interval: min_value = 1, max_value = 2)
///     MetricInfo  name = 1 (HParamsMetricName: group = 1, tag = 2), display_name = 3, description = 4,
///                 dataset_type = 5
struct HParamsExperiment: Sendable, Equatable {
    var name: String
    var description: String
    var timeCreated: Double
    var hparams: [HParamInfo]
    var metrics: [MetricInfo]

    func write(_ experiment: inout ProtoEncoder) {
        experiment.string(1, description)
        experiment.double(3, timeCreated)
        for info in hparams { experiment.message(4) { info.write(&$0) } }
        for info in metrics { experiment.message(5) { info.write(&$0) } }
        experiment.string(6, name)
    }
}

/// One hyperparameter's column: its name, type and domain.
struct HParamInfo: Sendable, Equatable {
    /// api.proto's `DataType`.
    enum DataType: Int64, Sendable {
        case string = 1
        case bool = 2
        case float64 = 3
    }

    enum Domain: Sendable, Equatable {
        case interval(min: Double, max: Double)
        case discrete([HParamValue])
    }

    var name: String
    var description: String
    var type: DataType
    var domain: Domain

    func write(_ info: inout ProtoEncoder) {
        info.string(1, name)
        info.string(3, description)
        info.int(4, type.rawValue)
        switch domain {
        case .discrete(let values):
            info.message(5) { HParamValue.writeList(values, &$0) }
        case .interval(let low, let high):
            info.message(6) { interval in
                interval.double(1, low)
                interval.double(2, high)
            }
        }
    }
}

/// Where the HParams plugin reads a metric: the scalar `tag` in the run `group` below each
/// session's run ("" for the session's run itself).
struct HParamsMetricName: Sendable, Equatable, Hashable {
    var group: String
    var tag: String

    /// The name tune gives the same readings (run folder, "/", tag).
    var tuneTag: String { group.isEmpty ? tag : group + "/" + tag }
}

/// One metric's column.
struct MetricInfo: Sendable, Equatable {
    /// api.proto's `DatasetType`.
    enum DatasetType: Int64, Sendable {
        case unknown = 0
        case training = 1
        case validation = 2
    }

    var name: HParamsMetricName
    var displayName: String
    var description: String
    var datasetType: DatasetType

    func write(_ info: inout ProtoEncoder) {
        info.message(1) { metric in
            metric.string(1, name.group)
            metric.string(2, name.tag)
        }
        info.string(3, displayName)
        info.string(4, description)
        info.int(5, datasetType.rawValue)
    }
}
