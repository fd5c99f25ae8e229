import ArgumentParser
import Foundation
import TuneCore

/// `--mlflow URI`, else `$MLFLOW_TRACKING_URI`: the MLflow tracking server of `run`, `resume`,
/// `retry` and `export mlflow`.
enum MLflowOption {
    /// The option's URI, else the environment's; nil when neither is set.
    static func uri(_ option: String?) -> String? {
        if let option { return option }
        let environment = ProcessInfo.processInfo.environment["MLFLOW_TRACKING_URI"]
        return environment?.trimmingCharacters(in: .whitespaces).isEmpty == false ? environment : nil
    }

    /// A usage error when `--mlflow` names no server tune can log to.
    static func check(_ option: String) throws {
        do {
            _ = try MLflowTrackingURI(option)
        } catch {
            throw ValidationError("--mlflow: \(error.message)")
        }
    }
}
