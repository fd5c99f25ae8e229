/// The start of one session (one trial): its hyperparameters' values (plugin_data.proto's
/// `SessionStartInfo`: hparams = 1 (map<string, Value>), group_name = 4, start_time_secs = 5).
/// An empty group name makes the session a group of its own, named by its run.
struct SessionStartInfo: Sendable, Equatable {
    var hparams: [(name: String, value: HParamValue)]
    var groupName: String
    var startTime: Double

    func write(_ start: inout ProtoEncoder) {
        for (name, value) in hparams {
            start.message(1) { entry in
                entry.string(1, name)
                entry.message(2) { value.write(&$0) }
            }
        }
        start.string(4, groupName)
        start.double(5, startTime)
    }

    static func == (a: SessionStartInfo, b: SessionStartInfo) -> Bool {
        a.groupName == b.groupName && a.startTime == b.startTime && a.hparams.map(\.name) == b.hparams.map(\.name)
            && a.hparams.map(\.value) == b.hparams.map(\.value)
    }
}

/// How a session ended (`SessionEndInfo`: status = 1, end_time_secs = 2).
struct SessionEndInfo: Sendable, Equatable {
    /// api.proto's `Status`.
    enum Status: Int64, Sendable {
        case unknown = 0
        case success = 1
        case failure = 2
        case running = 3
    }

    var status: Status
    var endTime: Double

    func write(_ end: inout ProtoEncoder) {
        end.int(1, status.rawValue)
        end.double(2, endTime)
    }
}

/// The content of one HParams summary (`HParamsPluginData`: version = 1, experiment = 2,
/// session_start_info = 3, session_end_info = 4), and the tag it is written under.
enum HParamsPluginData: Sendable, Equatable {
    case experiment(HParamsExperiment)
    case sessionStart(SessionStartInfo)
    case sessionEnd(SessionEndInfo)

    static let pluginName = "hparams"

    var tag: String {
        switch self {
        case .experiment: "_hparams_/experiment"
        case .sessionStart: "_hparams_/session_start_info"
        case .sessionEnd: "_hparams_/session_end_info"
        }
    }

    /// The serialized message (version 0, the plugin's `PLUGIN_DATA_VERSION`, is the default and
    /// not written).
    var encoded: [UInt8] {
        var data = ProtoEncoder()
        switch self {
        case .experiment(let experiment): data.message(2) { experiment.write(&$0) }
        case .sessionStart(let start): data.message(3) { start.write(&$0) }
        case .sessionEnd(let end): data.message(4) { end.write(&$0) }
        }
        return data.bytes
    }

    /// The summary event that holds it.
    func event(wallTime: Double) -> SummaryEvent {
        SummaryEvent(wallTime: wallTime, body: .pluginData(tag: tag, plugin: Self.pluginName, content: encoded))
    }
}
