import Foundation
import Yams

/// `tune run --enqueue FILE` and the config's `enqueue:` list: points to run first, read with
/// where each value sits. A file ending in `.csv` is CSV, any other JSON (or YAML):
/// - CSV: a header row of parameter names, then one row per point; an empty cell gives no value
///   (an inactive parameter). A table with a `trialId` column is `tune trials --format csv`'s:
///   its other columns (objectiveValue, state, metrics, …) are ignored, with a note.
/// - JSON: an array of objects name → value (numbers or strings), or `tune trials --format json`'s
///   array, whose objects' `hyperparameters` are the points (their other fields ignored).
public enum EnqueueFile {
    public static func read(path: String, spec: TuningSpec, notes: inout [String]) throws(SpecError) -> [GivenPoint] {
        let bytes = try SpecLoader.readFile(path)
        if let problem = ConfigLimits.notUTF8(bytes, file: path) { throw problem }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count <= ConfigLimits.maxBytes else { throw ConfigLimits.tooLarge(path) }
        if path.lowercased().hasSuffix(".csv") {
            return try csvPoints(text, file: path, spec: spec, notes: &notes)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw YAMLErrors.specError(error, text: text, file: path)
        }
        guard let root, case .sequence(let list) = root, !list.isEmpty else {
            throw SpecError(
                file: path, at: root, key: nil, message: "\(path) must hold a non-empty array of points",
                hint: "write [{\"lr\": 0.01, \"activation\": \"relu\"}, …], or end a CSV file's name in .csv")
        }
        let points = try points(Array(list), file: path)
        if list.contains(where: { $0.hyperparametersNode != nil }) {
            notes.append("\(path): a trials listing: each object's hyperparameters are a point, its other fields are ignored")
        }
        return points
    }

    /// The points of a list of mappings (a JSON array, the config's `enqueue:`), named `point 1`, ….
    static func points(_ list: [Node], file: String) throws(SpecError) -> [GivenPoint] {
        var points: [GivenPoint] = []
        for (index, element) in list.enumerated() {
            let label = "point \(index + 1)"
            guard case .mapping(let mapping) = element.hyperparametersNode ?? element else {
                throw SpecError(file: file, at: element, key: nil, message: "\(label) must be a mapping of parameter names to values, got \(element.shown)")
            }
            var values: [GivenPoint.Value] = []
            for (key, value) in mapping {
                let name = key.scalarText ?? ""
                if value.isNull { continue }
                guard let text = value.scalarText else {
                    throw SpecError(file: file, at: value, key: name, message: "\(label): \(name) must be a number or a string, got \(value.shown)")
                }
                values.append(GivenPoint.Value(name: name, text: text, line: value.mark?.line, column: value.mark?.column))
            }
            points.append(GivenPoint(file: file, line: element.mark?.line, column: element.mark?.column, label: label, values: values))
        }
        return points
    }

    static func csvPoints(_ text: String, file: String, spec: TuningSpec, notes: inout [String]) throws(SpecError) -> [GivenPoint] {
        let records = CSVRecords.parse(text)
        guard let header = records.first, records.count > 1 else {
            throw SpecError(file: file, message: "\(file) must hold a header row of parameter names and at least one row", hint: "e.g. lr,units then 0.01,64")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let listing = names.contains("trialId")
        var ignored: [String] = []
        for (index, name) in names.enumerated() {
            if names[..<index].contains(name) {
                throw SpecError(file: file, line: header.line, key: name, message: "column \(name) appears twice in the header")
            }
            guard spec.param(named: name) == nil else { continue }
            guard listing else {
                let hint = KeySuggestion.closest(to: name, among: spec.params.map(\.name)).map { "did you mean '\($0)'?" }
                throw SpecError(
                    file: file, line: header.line, key: name, message: "header: unknown parameter '\(name)'",
                    hint: hint ?? "the parameters are \(spec.params.map(\.name).joined(separator: ", "))")
            }
            ignored.append(name)
        }
        if !ignored.isEmpty {
            notes.append("\(file): a trials listing (it has trialId): columns other than parameters are ignored (\(ignored.joined(separator: ", ")))")
        }
        var points: [GivenPoint] = []
        for (index, record) in records.dropFirst().enumerated() {
            let label = "row \(index + 1)"
            guard record.fields.count == names.count else {
                throw SpecError(file: file, line: record.line, message: "\(label) has \(record.fields.count) fields but the header has \(names.count)")
            }
            let values = zip(names, record.fields).compactMap { name, field -> GivenPoint.Value? in
                let text = field.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty, spec.param(named: name) != nil else { return nil }
                return GivenPoint.Value(name: name, text: text, line: record.line)
            }
            points.append(GivenPoint(file: file, line: record.line, label: label, values: values))
        }
        return points
    }
}

extension Node {
    /// A trials listing object's `hyperparameters` mapping.
    fileprivate var hyperparametersNode: Node? {
        guard case .mapping(let mapping) = self, let inner = mapping[Node("hyperparameters")], case .mapping = inner else { return nil }
        return inner
    }
}

/// RFC 4180 records: fields split on commas, double-quoted fields may hold commas, quotes (`""`)
/// and line breaks; each record with the line it starts on. Blank lines are skipped.
enum CSVRecords {
    struct Record {
        var fields: [String]
        var line: Int
    }

    static func parse(_ text: String) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var iterator = text.replacingOccurrences(of: "\r\n", with: "\n").makeIterator()
        var pending: Character? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append(Record(fields: fields, line: start))
            }
            fields = []
            field = ""
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\n":
                endRecord()
                line += 1
                start = line
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
