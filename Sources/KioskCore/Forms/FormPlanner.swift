/// Checks a form's references and orders its fields so relevance and calculations see their inputs first.
enum FormPlanner {
    static func plan(_ fields: [Field]) throws(FormError) -> [FieldPath] {
        var paths: [FieldPath] = []
        var names: [FieldPath: String] = [:]
        var topIndex: [String: Int] = [:]
        var memberOwner: [String: Int] = [:]
        for (i, field) in fields.enumerated() {
            guard topIndex[field.id] == nil else { throw .duplicateField(field.id) }
            topIndex[field.id] = i
            paths.append(FieldPath(top: i))
            names[FieldPath(top: i)] = field.id
            var seen: Set<String> = []
            for (m, member) in field.fields.enumerated() {
                guard seen.insert(member.id).inserted else { throw .duplicateField("\(field.id).\(member.id)") }
                memberOwner[member.id] = memberOwner[member.id] ?? i
                paths.append(FieldPath(top: i, member: m))
                names[FieldPath(top: i, member: m)] = "\(field.id).\(member.id)"
            }
        }

        func allPaths(ofGroup index: Int) -> [FieldPath] {
            [FieldPath(top: index)] + fields[index].fields.indices.map { FieldPath(top: index, member: $0) }
        }

        // Resolves a reference made by the field at `path`; returns the nodes it depends on.
        func resolve(_ r: Expression.Reference, from path: FieldPath, key: String) throws(FormError) -> [FieldPath] {
            let owner = names[path]!
            if path.member != nil, r.member == nil, fields[path.top].id == r.name {
                // A member referring to its own group (e.g. count(${members}) inside it).
                return [FieldPath(top: path.top)]
            }
            if r.member == nil, let m = path.member.flatMap({ _ in fields[path.top].fields.firstIndex { $0.id == r.name } }) {
                return [FieldPath(top: path.top, member: m)]
            }
            guard let top = topIndex[r.name] else {
                if memberOwner[r.name] != nil {
                    throw .groupMemberOutsideGroup(field: owner, key: key, name: r.name, offset: r.offset)
                }
                throw .unknownReference(field: owner, key: key, name: r.name, offset: r.offset)
            }
            if let member = r.member {
                guard fields[top].type == .repeat, fields[top].fields.contains(where: { $0.id == member }) else {
                    throw .unknownReference(field: owner, key: key, name: "\(r.name).\(member)", offset: r.offset)
                }
            }
            return fields[top].type == .repeat ? allPaths(ofGroup: top) : [FieldPath(top: top)]
        }

        var dependencies: [FieldPath: Set<FieldPath>] = [:]
        // Where each field first refers to each field it depends on, to place a cycle.
        var referenceTo: [FieldPath: [FieldPath: Step]] = [:]
        for path in paths {
            let field = path.member.map { fields[path.top].fields[$0] } ?? fields[path.top]
            var deps: Set<FieldPath> = path.member == nil ? [] : [FieldPath(top: path.top)]
            for (key, expression) in [("relevant", field.relevant), ("calculate", field.calculate)] {
                for r in expression?.references ?? [] {
                    let targets = try resolve(r, from: path, key: key)
                    // A field that refers to itself (a repeat group naming itself refers to its members).
                    guard targets != [path] else { throw .cycle([names[path]!, names[path]!], key: key, offset: r.offset) }
                    for target in targets where target != path {
                        deps.insert(target)
                        referenceTo[path, default: [:]][target] = referenceTo[path]?[target] ?? Step(key: key, offset: r.offset)
                    }
                }
            }
            for r in field.constraint?.expression.references ?? [] {
                _ = try resolve(r, from: path, key: "constraint")
            }
            // A group waits for its members only when something outside depends on the group.
            dependencies[path] = deps.subtracting(path.member == nil ? Set(allPaths(ofGroup: path.top)) : [])
        }

        // Kahn's algorithm, stable in the form's order.
        var ordered: [FieldPath] = []
        var done: Set<FieldPath> = []
        while ordered.count < paths.count {
            guard let next = paths.first(where: { !done.contains($0) && dependencies[$0]!.isSubset(of: done) }) else {
                var circle = cycle(in: paths.filter { !done.contains($0) }, dependencies)
                // Start where a reference leads on (a group member's tie to its group is no reference).
                let start = circle.indices.dropLast().first { referenceTo[circle[$0]]?[circle[$0 + 1]] != nil }!
                circle = Array(circle[start..<circle.count - 1] + circle[..<start]) + [circle[start]]
                let step = referenceTo[circle[0]]![circle[1]]!
                throw .cycle(circle.map { names[$0]! }, key: step.key, offset: step.offset)
            }
            ordered.append(next)
            done.insert(next)
        }
        return ordered
    }

    /// A field's reference to another: in which expression, at which character.
    private struct Step {
        var key: String
        var offset: Int
    }

    /// A dependency circle among `remaining`, starting and ending at the same field.
    private static func cycle(in remaining: [FieldPath], _ dependencies: [FieldPath: Set<FieldPath>]) -> [FieldPath] {
        let pending = Set(remaining)
        var trail: [FieldPath] = [remaining[0]]
        while true {
            let last = trail.last!
            let next = dependencies[last]!.intersection(pending).sorted { ($0.top, $0.member ?? -1) < ($1.top, $1.member ?? -1) }.first!
            if let start = trail.firstIndex(of: next) { return Array(trail[start...]) + [next] }
            trail.append(next)
        }
    }
}
