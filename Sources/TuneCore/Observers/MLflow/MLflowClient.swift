import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// MLflow's REST API over HTTP, one blocking request at a time: called from the MLflow observer's
/// own thread or from `tune export mlflow`, never from the run's loop. Every request has a time
/// limit (`timeout`), so a server that stopped answering costs seconds, not the job.
public final class MLflowClient: @unchecked Sendable {
    public let uri: MLflowTrackingURI
    let timeout: TimeInterval
    private let session: URLSession
    private let lock = NSLock()
    private var answers = 0

    /// How many requests the server has answered (any status): a slow server still answers.
    var answered: Int {
        lock.lock()
        defer { lock.unlock() }
        return answers
    }

    public init(uri: MLflowTrackingURI, timeout: TimeInterval = 5) {
        self.uri = uri
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 2
        configuration.httpMaximumConnectionsPerHost = 1
        session = URLSession(configuration: configuration)
    }

    // MARK: the endpoints tune uses

    /// The experiment of that name (active or deleted), or nil when there is none.
    func experiment(named name: String) throws(MLflowError) -> MLflowWire.Experiment? {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "experiment_name", value: name)]
        let query = components.percentEncodedQuery ?? ""
        do throws(MLflowError) {
            let data = try send("GET", "experiments/get-by-name?" + query.replacingOccurrences(of: "+", with: "%2B"), body: nil)
            return try decode(MLflowWire.ExperimentReply.self, data).experiment
        } catch  where error.code == "RESOURCE_DOES_NOT_EXIST" {
            return nil
        }
    }

    func createExperiment(_ name: String) throws(MLflowError) -> String {
        let data = try send("POST", "experiments/create", body: try encode(MLflowWire.CreateExperiment(name: name)))
        return try decode(MLflowWire.CreatedExperiment.self, data).experiment_id
    }

    func createRun(_ request: MLflowWire.CreateRun) throws(MLflowError) -> String {
        let data = try send("POST", "runs/create", body: try encode(request))
        return try decode(MLflowWire.RunReply.self, data).run.info.run_id
    }

    func logBatch(_ batch: MLflowWire.LogBatch) throws(MLflowError) {
        _ = try send("POST", "runs/log-batch", body: try encode(batch))
    }

    func updateRun(_ update: MLflowWire.UpdateRun) throws(MLflowError) {
        _ = try send("POST", "runs/update", body: try encode(update))
    }

    /// Every active run of the experiment that matches `filter` (MLflow's search syntax), page by page.
    func searchRuns(experiment: String, filter: String) throws(MLflowError) -> [MLflowWire.Run] {
        var runs: [MLflowWire.Run] = []
        var token: String?
        repeat {
            let request = MLflowWire.SearchRuns(experiment_ids: [experiment], filter: filter, max_results: 1000, page_token: token)
            let reply = try decode(MLflowWire.SearchReply.self, try send("POST", "runs/search", body: try encode(request)))
            runs += reply.runs ?? []
            token = reply.next_page_token.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return runs
    }

    // MARK: HTTP

    private func encode<T: Encodable>(_ value: T) throws(MLflowError) -> Data {
        let encoder = JSONEncoder()
        // Protobuf's JSON mapping, which MLflow's server reads: non-finite doubles as strings.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try encoder.encode(value)
        } catch {
            throw MLflowError(.rejected, "could not encode a request for MLflow: \(error)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(MLflowError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            throw MLflowError(.unreachable, "MLflow at \(uri) answered something that is not MLflow's API (is it an MLflow tracking server?): \(text)")
        }
    }

    /// One request, waited for at most `timeout` (and a little): its body, or why it failed.
    private func send(_ method: String, _ path: String, body: Data?) throws(MLflowError) -> Data {
        guard let url = uri.endpoint(path) else { throw MLflowError(.badURI, "MLflow tracking URI \(uri): cannot make a URL of it") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let authorization = uri.authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        let reply = Reply()
        let task = session.dataTask(with: request) { data, response, error in
            reply.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
        }
        task.resume()
        guard let answer = reply.wait(until: Date().addingTimeInterval(timeout + 1)) else {
            task.cancel()
            throw MLflowError(.unreachable, "MLflow at \(uri) did not answer within \(Int(timeout)) seconds")
        }
        if answer.status != nil {
            lock.lock()
            answers += 1
            lock.unlock()
        }
        if let error = answer.error {
            throw MLflowError(.unreachable, "cannot reach MLflow at \(uri) (\(error.localizedDescription))")
        }
        let status = answer.status ?? 0
        let data = answer.data ?? Data()
        guard (200..<300).contains(status) else { throw refusal(status: status, data: data, path: path) }
        return data
    }

    private func refusal(status: Int, data: Data, path: String) -> MLflowError {
        let reply = try? JSONDecoder().decode(MLflowWire.ErrorReply.self, from: data)
        let said = reply?.message ?? String(decoding: data.prefix(300), as: UTF8.self)
        let endpoint = path.split(separator: "?").first.map(String.init) ?? path
        if status == 401 || status == 403 {
            return MLflowError(
                .rejected, "MLflow at \(uri) refused tune's credentials (HTTP \(status)): set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD",
                code: reply?.error_code)
        }
        if status == 404 && reply?.error_code == nil {
            return MLflowError(.rejected, "\(uri) has no MLflow REST API (HTTP 404 for \(endpoint)): is it an MLflow tracking server?")
        }
        let kind: MLflowError.Kind = status >= 500 || status == 429 ? .unreachable : .rejected
        return MLflowError(kind, "MLflow at \(uri) answered \(endpoint) with HTTP \(status): \(said)", code: reply?.error_code)
    }
}

/// One request's answer, handed from URLSession's queue to the waiting thread.
private final class Reply: @unchecked Sendable {
    struct Answer {
        var data: Data?
        var status: Int?
        var error: (any Error)?
    }

    private let condition = NSCondition()
    private var answer: Answer?

    func set(data: Data?, status: Int?, error: (any Error)?) {
        condition.lock()
        answer = Answer(data: data, status: status, error: error)
        condition.broadcast()
        condition.unlock()
    }

    func wait(until deadline: Date) -> Answer? {
        condition.lock()
        defer { condition.unlock() }
        while answer == nil && condition.wait(until: deadline) {}
        return answer
    }
}
