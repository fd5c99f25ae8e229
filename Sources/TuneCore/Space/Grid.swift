/// Every combination of a grid-searchable space, enumerated lazily in mixed radix (the last
/// parameter varies fastest, as `itertools.product` orders them).
///
/// A conditional space is a tree: each parameter is a node, and a value of it opens the
/// parameters whose condition it meets. A node's combinations are, value by value in the
/// parameter's order, that value with every combination of the children it opens (one when it
/// opens none); the roots combine in mixed radix. A space with no conditions is the plain product.
public struct Grid: Sendable {
    /// The choices of one parameter: an integer range (kept as bounds, however wide), or a list.
    public enum Axis: Sendable {
        case integers(ClosedRange<Int>)
        case values([ParameterValue])

        /// nil when the range is wider than an Int can count.
        public var count: Int? {
            switch self {
            case .integers(let range):
                let (width, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
                return overflow || width == Int.max ? nil : width + 1
            case .values(let values):
                return values.count
            }
        }

        public func value(at index: Int) -> ParameterValue {
            switch self {
            case .integers(let range): return .integer(range.lowerBound + index)
            case .values(let values): return values[index]
            }
        }

        /// The index of the value whose flag text is `text`; nil when the axis has no such value.
        func index(ofText text: String) -> Int? {
            switch self {
            case .integers(let range):
                guard let n = Int(text), range.contains(n) else { return nil }
                return n - range.lowerBound
            case .values(let values):
                return values.firstIndex { $0.text == text }
            }
        }
    }

    /// One parameter, and the parameters each of its values opens.
    struct Node: Sendable {
        var name: String
        var axis: Axis
        /// The values that open children (by index into the axis, increasing) and the children each opens.
        var branches: [Branch]
        /// Combinations of this parameter and its subtree; nil when it overflows an Int.
        var count: Int?
    }

    struct Branch: Sendable {
        var index: Int
        var children: [Node]
        var count: Int?
    }

    /// The top-level parameters, in the spec's order.
    let roots: [Node]
    /// Every parameter, in the spec's order.
    public let names: [String]
    /// The number of combinations; nil when it overflows an Int.
    public let count: Int?

    /// nil when a parameter has no finite set of values (a DOUBLE range).
    public init?(spec: TuningSpec) {
        var axes: [String: Axis] = [:]
        for param in spec.params {
            guard let axis = Grid.axis(of: param) else { return nil }
            axes[param.name] = axis
        }
        var childrenOf: [String: [ParameterSpec]] = [:]
        for param in spec.params {
            if let parent = param.condition?.parent { childrenOf[parent, default: []].append(param) }
        }
        func node(_ param: ParameterSpec, depth: Int) -> Node {
            let axis = axes[param.name]!
            var children: [Int: [Node]] = [:]
            if depth < spec.params.count {
                for child in childrenOf[param.name] ?? [] {
                    for text in child.condition?.parentValues ?? [] {
                        guard let index = axis.index(ofText: text) else { continue }
                        children[index, default: []].append(node(child, depth: depth + 1))
                    }
                }
            }
            let branches = children.keys.sorted().map { index in
                Branch(index: index, children: children[index]!, count: Grid.product(children[index]!))
            }
            var total = axis.count.map { $0 - branches.count }
            for branch in branches {
                guard let sum = total, let size = branch.count else {
                    total = nil
                    break
                }
                let (next, overflow) = sum.addingReportingOverflow(size)
                total = overflow ? nil : next
            }
            return Node(name: param.name, axis: axis, branches: branches, count: total)
        }
        roots = spec.params.filter { $0.condition == nil }.map { node($0, depth: 0) }
        names = spec.params.map(\.name)
        count = Grid.product(roots)
    }

    /// The combinations of independent subtrees: the product of their counts; nil on overflow.
    static func product(_ nodes: [Node]) -> Int? {
        var total = 1
        for node in nodes {
            guard let size = node.count else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// The combination at `index` (0-based, below `count`).
    public func point(at index: Int) -> Assignment {
        var values: [String: ParameterValue] = [:]
        Grid.fill(roots, index: index, into: &values)
        return Assignment(names.compactMap { name in values[name].map { (name, $0) } })
    }

    private static func fill(_ nodes: [Node], index: Int, into values: inout [String: ParameterValue]) {
        var rest = index
        for node in nodes.reversed() {
            let size = node.count ?? Int.max
            fill(node, index: rest % size, into: &values)
            rest /= size
        }
    }

    /// Value by value, the plain ones (one combination each) and the branching ones (a
    /// combination per combination of their children), until `index` is reached.
    private static func fill(_ node: Node, index: Int, into values: inout [String: ParameterValue]) {
        var rest = index
        var next = 0
        for branch in node.branches {
            let plain = branch.index - next
            if rest < plain {
                values[node.name] = node.axis.value(at: next + rest)
                return
            }
            rest -= plain
            let size = branch.count ?? Int.max
            if rest < size {
                values[node.name] = node.axis.value(at: branch.index)
                fill(branch.children, index: rest, into: &values)
                return
            }
            rest -= size
            next = branch.index + 1
        }
        values[node.name] = node.axis.value(at: next + rest)
    }

    /// A parameter's grid axis; nil for a DOUBLE range (min < max), which has no finite values.
    public static func axis(of param: ParameterSpec) -> Axis? {
        switch param.domain {
        case .double(let lo, let hi, _):
            return lo == hi ? .values([.double(lo)]) : nil
        case .integer(let lo, let hi, _):
            return .integers(lo...hi)
        case .categorical(let values):
            return .values(values.map(ParameterValue.categorical))
        case .discrete(let values):
            return .values(values.map(ParameterValue.discrete))
        }
    }
}

extension TuningSpec {
    /// How many trials the job will run: maxTrials, or the grid's size when a grid search has fewer points.
    public var plannedTrials: Int {
        guard algorithm == .grid, let size = Grid(spec: self)?.count else { return maxTrials }
        return min(size, maxTrials)
    }
}
