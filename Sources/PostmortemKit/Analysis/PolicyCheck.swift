import Foundation
import Markdown

/// The rules of `policy:` in postmortem.yml, applied to loaded postmortems:
/// pure, from the postmortems, their files' text and the time now.
public enum PolicyCheck {
    /// Every finding, sorted like the loader's diagnostics. `texts` maps a
    /// file's path to its text (needed only for `personal_data`).
    public static func run(_ postmortems: [Postmortem], policy: Policy, configuration: SiteConfiguration,
                           texts: [String: String], now: Date) -> [Diagnostic] {
        let today = CalendarDate(now, in: configuration.timeZone)
        let scanner = policy.personalData ? PersonalDataScanner(allowedDomains: policy.personalDataAllowedDomains) : nil
        // On every core: the required sections read each body's sections, which a postmortem
        // taken from the load cache reads from there when first asked for (`Body.Rest`).
        let findings = Parallel.map(postmortems, minimumChunk: 64) { postmortem -> [Diagnostic] in
            var findings = draftAge(postmortem, policy: policy, today: today)
            if postmortem.status != .draft {
                findings += requiredSections(postmortem, policy: policy)
                findings += requiredFields(postmortem, policy: policy)
            }
            if let scanner, let text = texts[postmortem.source.path] {
                findings += scanner.scan(text, file: postmortem.source.path, severity: policy.reportAs)
            }
            return findings
        }
        return findings.flatMap { $0 }.sorted { $0.location < $1.location }
    }

    static func site(_ postmortem: Postmortem, _ fields: String...) -> FieldSite {
        for field in fields {
            if let site = postmortem.fieldSites[field] { return site }
        }
        return FieldSite(location: SourceLocation(file: postmortem.source.path, line: 1, column: 1), lineText: "")
    }

    // MARK: Drafts

    static func draftAge(_ postmortem: Postmortem, policy: Policy, today: CalendarDate) -> [Diagnostic] {
        guard let limit = policy.maxDraftDays, postmortem.status == .draft, let date = postmortem.date else { return [] }
        let days = today.daysSinceEpoch - date.daysSinceEpoch
        guard days > limit else { return [] }
        return [site(postmortem, "status").diagnostic(
            policy.reportAs, .policyDraftAge,
            "still a draft \(days) days after the incident (\(date)); policy.max_draft_days allows \(limit)",
            notes: ["finish it and set 'status: review' or 'status: published'"])]
    }

    // MARK: Sections

    static func requiredSections(_ postmortem: Postmortem, policy: Policy) -> [Diagnostic] {
        let missing = policy.requiredSections.filter { postmortem.body.section($0) == nil }
        guard !missing.isEmpty else { return [] }
        let location = SourceLocation(file: postmortem.source.path, line: postmortem.source.bodyFirstLine, column: 1)
        let names = missing.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return [Diagnostic(policy.reportAs, .policyRequiredSection, at: location,
                           "no \(names) section\(missing.count == 1 ? "" : "s") (policy.required_sections)",
                           notes: ["add a heading such as " + missing.map(example).joined(separator: ", ")])]
    }

    static func example(_ kind: SectionKind) -> String {
        switch kind {
        case .summary: "'## Summary' (## 概要)"
        case .impact: "'## Impact' (## 影響)"
        case .timeline: "'## Timeline' (## タイムライン)"
        case .rootCause: "'## Root cause' (## 根本原因)"
        case .resolution: "'## Resolution' (## 対応)"
        case .actionItems: "'## Action items' (## 再発防止策)"
        case .lessonsLearned: "'## Lessons learned' (## 教訓)"
        }
    }

    // MARK: Fields by severity

    static func requiredFields(_ postmortem: Postmortem, policy: Policy) -> [Diagnostic] {
        guard let severity = postmortem.severity,
              let fields = policy.requiredFields.first(where: { $0.key.caseInsensitiveCompare(severity) == .orderedSame })?.value
        else { return [] }
        var findings: [Diagnostic] = []
        var missing: [String] = []
        for field in fields {
            switch field {
            case "recurrence_fix.owner", "recurrence_fix.due":
                let items = field == "recurrence_fix.owner"
                    ? postmortem.recurrenceFix.filter { ($0.owner ?? "").isEmpty }
                    : postmortem.recurrenceFix.filter { $0.due == nil && $0.status != .done && $0.status != .wontDo }
                if postmortem.recurrenceFix.isEmpty {
                    missing.append(field)
                } else if !items.isEmpty {
                    let what = field == "recurrence_fix.owner" ? "an owner" : "a due date"
                    let titles = items.prefix(3).map { "'\($0.title)'" }.joined(separator: ", ") + (items.count > 3 ? ", …" : "")
                    findings.append(site(postmortem, "recurrence_fix", "action_items", "severity").diagnostic(
                        policy.reportAs, .policyRequiredField,
                        "\(severity) postmortems need \(what) on every recurrence_fix item; \(items.count) of \(postmortem.recurrenceFix.count) have none: \(titles)",
                        notes: ["policy.required_fields.\(severity) lists '\(field)'"]))
                }
            default:
                if !gives(postmortem, field) { missing.append(field) }
            }
        }
        if !missing.isEmpty {
            findings.append(site(postmortem, "severity").diagnostic(
                policy.reportAs, .policyRequiredField,
                "\(severity) postmortems must give \(missing.map { "'\($0)'" }.joined(separator: ", ")) (policy.required_fields)",
                notes: missing.contains("recurrence_fix.owner") || missing.contains("recurrence_fix.due")
                    ? ["recurrence_fix items take 'owner' and 'due': see docs/front-matter.md"] : []))
        }
        return findings
    }

    static func gives(_ p: Postmortem, _ field: String) -> Bool {
        switch field {
        case "title": p.origins.title != .missing && !p.title.isEmpty
        case "services": !p.services.isEmpty
        case "started_at": p.milestones.startedAt != nil
        case "detected_at": p.milestones.detectedAt != nil
        case "mitigated_at": p.milestones.mitigatedAt != nil
        case "resolved_at": p.milestones.resolvedAt != nil
        case "duration": p.duration != nil || (p.milestones.startedAt != nil && p.milestones.resolvedAt != nil)
        case "impact": p.impact != nil
        case "cause": !p.causes.isEmpty
        case "cause.category": p.primaryCause?.category != nil
        case "trigger": !(p.trigger ?? "").isEmpty
        case "recurrence_fix": !p.recurrenceFix.isEmpty
        case "related": !p.related.isEmpty
        case "tags": !p.tags.isEmpty
        case "authors": !p.authors.isEmpty
        case "description": !(p.description ?? "").isEmpty
        default: true
        }
    }
}

extension DiagnosticCode {
    public static let policyRequiredSection = DiagnosticCode(rawValue: "policy-required-section")
    public static let policyRequiredField = DiagnosticCode(rawValue: "policy-required-field")
    public static let policyDraftAge = DiagnosticCode(rawValue: "policy-draft-age")
    public static let policyPersonalData = DiagnosticCode(rawValue: "policy-personal-data")
}
