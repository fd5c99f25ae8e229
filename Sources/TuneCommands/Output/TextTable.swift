import Foundation

/// A plain-text table with columns padded to their widest cell; numbers aligned right.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned to the right (numbers).
    var rightAligned: Set<Int> = []

    init(headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) {
        rows.append(row)
    }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(widths[i] - cell.count, 0))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }
            .joined(separator: "  ")
            .trailingSpacesRemoved
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

extension String {
    /// Without the spaces and tabs at its end. (A regular expression `\\s+$` does this in time
    /// quadratic in the run of spaces: a minute for a 100,000-character cell's padding.)
    fileprivate var trailingSpacesRemoved: String {
        var end = endIndex
        while end > startIndex {
            let before = index(before: end)
            guard self[before] == " " || self[before] == "\t" else { break }
            end = before
        }
        return String(self[..<end])
    }
}
