/// The JSON bodies of MLflow's REST API (`/api/2.0/mlflow/…`) that tune sends and reads, named as
/// MLflow names their fields.
enum MLflowWire {
    struct Tag: Codable, Sendable, Equatable {
        var key: String
        var value: String
    }

    typealias Param = Tag

    struct Metric: Codable, Sendable, Equatable {
        var key: String
        var value: Double
        /// Milliseconds since 1970.
        var timestamp: Int64
        var step: Int64
    }

    struct Experiment: Codable, Sendable {
        var experiment_id: String
        var name: String
        var lifecycle_stage: String?
    }

    struct ExperimentReply: Codable, Sendable {
        var experiment: Experiment
    }

    struct CreateExperiment: Codable, Sendable {
        var name: String
    }

    struct CreatedExperiment: Codable, Sendable {
        var experiment_id: String
    }

    struct CreateRun: Codable, Sendable {
        var experiment_id: String
        var run_name: String
        var start_time: Int64
        var tags: [Tag]
    }

    struct RunInfo: Codable, Sendable {
        var run_id: String
        var status: String?
        var end_time: Int64?
    }

    struct RunData: Codable, Sendable {
        var tags: [Tag]?
        var params: [Param]?
    }

    struct Run: Codable, Sendable {
        var info: RunInfo
        var data: RunData?
    }

    struct RunReply: Codable, Sendable {
        var run: Run
    }

    struct LogBatch: Codable, Sendable, Equatable {
        var run_id: String
        var metrics: [Metric]
        var params: [Param]
        var tags: [Tag]
    }

    struct UpdateRun: Codable, Sendable, Equatable {
        var run_id: String
        var status: String
        var end_time: Int64?
    }

    struct SearchRuns: Codable, Sendable {
        var experiment_ids: [String]
        var filter: String
        var max_results: Int
        var page_token: String?
    }

    struct SearchReply: Codable, Sendable {
        var runs: [Run]?
        var next_page_token: String?
    }

    /// MLflow's answer to a refused request.
    struct ErrorReply: Codable, Sendable {
        var error_code: String?
        var message: String?
    }
}
