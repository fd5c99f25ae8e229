import Foundation

/// An MLflow tracking server's address (`MLFLOW_TRACKING_URI`, `--mlflow`) and the credentials
/// MLflow's own clients send it: `MLFLOW_TRACKING_TOKEN` (Bearer), else
/// `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (Basic).
///
/// tune speaks MLflow's REST API, so only `http://` and `https://` servers are taken; a local file
/// store (`file:`, a path, `sqlite:`) is refused with how to serve it.
public struct MLflowTrackingURI: Sendable, Equatable, CustomStringConvertible {
    /// As given, without a trailing slash.
    public let text: String
    /// `Authorization` header value, if credentials are set.
    public let authorization: String?

    public init(_ given: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(MLflowError) {
        var text = given.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty else {
            throw MLflowError(.badURI, "the MLflow tracking URI is empty: give a server's address, such as http://127.0.0.1:5000")
        }
        let lower = text.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
                throw MLflowError(.badURI, "MLflow tracking URI \(given): not a valid http(s) address (such as http://127.0.0.1:5000)")
            }
        } else {
            throw MLflowError(.badURI, Self.notAServer(given))
        }
        self.text = text
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
            authorization = "Bearer " + token
        } else if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"] {
            authorization = "Basic " + Data((user + ":" + password).utf8).base64EncodedString()
        } else {
            authorization = nil
        }
    }

    public var description: String { text }

    /// The URL of a REST endpoint (`runs/create`), under any path the server is mounted at.
    func endpoint(_ path: String) -> URL? {
        URL(string: text + "/api/2.0/mlflow/" + path)
    }

    /// The MLflow UI's page of a run.
    public func runPage(experiment: String, run: String) -> String {
        text + "/#/experiments/\(experiment)/runs/\(run)"
    }

    /// Why a local store (or anything else that is not http) will not do, and what to do instead.
    static func notAServer(_ given: String) -> String {
        let lower = given.lowercased()
        let local = lower.hasPrefix("file:") || lower.hasPrefix("/") || lower.hasPrefix(".") || !lower.contains(":")
        let store = lower.hasPrefix("sqlite:") || lower.hasPrefix("postgresql") || lower.hasPrefix("mysql")
        if local || store {
            return "MLflow tracking URI \(given) is a local store, not a tracking server: tune logs through MLflow's REST API. "
                + "Serve the store with `mlflow server --backend-store-uri \(given) --host 127.0.0.1 --port 5000` "
                + "and give --mlflow http://127.0.0.1:5000 (or MLFLOW_TRACKING_URI=http://127.0.0.1:5000)"
        }
        return "MLflow tracking URI \(given): tune needs an http:// or https:// tracking server "
            + "(start one with `mlflow server --host 127.0.0.1 --port 5000`, then give --mlflow http://127.0.0.1:5000)"
    }
}
