import Figures
import Foundation

/// The ablations around the main setting, one panel per varied knob (GSM-style accuracy during
/// training), and the mean REINFORCE reward of the rationale and policy-weight settings.
extension PaperFigures {
    func ablationsFigure() -> PlannedFigure? {
        let experiment = "ablations"
        let settings = results.settings(of: experiment).filter(\.isQuietSTaR)
        let rationaleSettings = settings.filter { !$0.overrideNames.isEmpty && $0.overrideNames.isSubset(of: ["rationales", "rewardBaseline"]) }
        let varied = settings.filter { !$0.overrideNames.isSubset(of: ["rationales", "rewardBaseline"]) }
        // The main setting: only `rationales` set, to the value every other ablation keeps.
        let fixedR = Set(varied.compactMap(\.rationales))
        let main = rationaleSettings.first { $0.overrideNames == ["rationales"] && fixedR.count == 1 && fixedR.contains($0.rationales ?? -1) }
        let mainName = "main setting (r = \(main?.rationales.map(String.init) ?? "?"), n_true = \(main?.nTrue.map(String.init) ?? "?"), policy weight 1)"
        func rationaleName(_ s: Setting) -> String {
            let r = s.rationales.map(String.init) ?? "?"
            if s.hasNoRewardBaseline { return "r = \(r), no reward baseline" }
            if s.rationales == 1 { return "r = 1 (advantage 0: no policy gradient)" }
            return s.id == main?.id ? mainName : "r = \(r)"
        }
        func knobPanel(_ key: String, title: String, name: (Setting) -> String) -> (Panel?, [(Setting, String)]) {
            var members = settings.filter { $0.overrideNames == [key] }.map { ($0, name($0)) }
            guard !members.isEmpty else { return (nil, []) }
            if let main { members.insert((main, mainName), at: 0) }
            return (accuracyPanel(title, members), members)
        }
        func accuracyPanel(_ title: String, _ members: [(Setting, String)]) -> Panel? {
            let series = members.compactMap { s, name -> Series? in
                guard let c = s.curve("eval", "gsm_soft") else { return nil }
                return band(name, x: c.steps, c.mean.map { 100 * $0 }, c.min.map { 100 * $0 }, c.max.map { 100 * $0 },
                            dashed: false)
            }
            return series.isEmpty ? nil : Panel(title: title, xLabel: "training step",
                                                yLabel: "GSM-style zero-shot accuracy (soft, %)", series: series)
        }
        let rMembers = rationaleSettings.sorted { ($0.rationales ?? 0, $0.id) < ($1.rationales ?? 0, $1.id) }
            .map { ($0, rationaleName($0)) }
        let nTrue = main?.nTrue.map(String.init) ?? "?"
        let weight = knobPanel("policyWeight", title: "Policy-loss weight (r = \(main?.rationales.map(String.init) ?? "?") with the mean baseline)",
                               name: { "policy weight \($0.override("policyWeight") ?? "?")" })
        let panels: [Panel?] = [
            accuracyPanel("Rationales r and the reward baseline", rMembers),
            knobPanel("nTrue", title: "Tokens scored ahead n_true", name: { "n_true = \($0.nTrue.map(String.init) ?? "?")" }).0,
            weight.0,
            // The reward of the main setting, r = 1 without a baseline and the policy weights (r = 1 at
            // advantage 0 is left out: weight 0 shows the same, and the panel keeps to distinct colours).
            rewardPanel(rMembers.filter { $0.0.id == main?.id || $0.0.hasNoRewardBaseline }
                        + weight.1.filter { $0.0.id != main?.id }),
        ]
        let present = panels.compactMap { $0 }
        guard !present.isEmpty else { return nil }
        let t = main?.thoughtLength.map { "t = \($0)" } ?? "the main setting"
        return PlannedFigure(name: "ablations",
            figure: LineFigure(title: "Ablations around the main setting (\(t), r = \(main?.rationales.map(String.init) ?? "?"), n_true = \(nTrue), policy weight 1; mean, band = min..max over seeds)",
                               panels: present, layout: .grid(columns: 2), size: PixelSize(width: 1300, height: 1150)),
            caption: "GSM-style accuracy during training for each ablation (rationales and reward baseline, n_true, policy weight) and the mean REINFORCE reward.")
    }

    private func rewardPanel(_ members: [(Setting, String)]) -> Panel? {
        let series = members.compactMap { s, name -> Series? in
            guard let c = s.curve("train", "reward_mean") else { return nil }
            let m = c.smoothed(window: max(1, c.steps.count / 25))
            return band(name, x: m.steps, m.mean, m.min, m.max, dashed: false, points: false)
        }
        return series.isEmpty ? nil : Panel(title: "Mean REINFORCE reward (trailing moving average)", xLabel: "training step",
                                            yLabel: "reward (nats: log p_talk - log p_base)", series: series)
    }
}
