import ArgumentParser

/// An option's comma-separated values (`--parallel 1,4,8`, `--problems a,b`); empty parts are skipped.
struct CommaList<Element: ExpressibleByArgument>: ExpressibleByArgument {
    var items: [Element]

    init(_ items: [Element]) { self.items = items }

    init?(argument: String) {
        var items: [Element] = []
        for part in argument.split(separator: ",") {
            guard let item = Element(argument: String(part)) else { return nil }
            items.append(item)
        }
        guard !items.isEmpty else { return nil }
        self.items = items
    }

    var defaultValueDescription: String { items.map(\.defaultValueDescription).joined(separator: ",") }
}
