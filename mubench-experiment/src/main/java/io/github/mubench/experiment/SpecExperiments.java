package io.github.mubench.experiment;

import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.Item;
import io.github.mubench.eval.data.MathProblem;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.judge.JudgeModel;
import io.github.mubench.eval.judge.Judges;
import io.github.mubench.eval.suite.Tasks;
import io.github.mubench.eval.task.Task;
import io.github.mubench.tensor.Models;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TrainingSets;
import io.github.mubench.unlearn.data.UnlearnJsonl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns an {@link ExperimentSpec} into a configured {@link Experiment}; what the file names is checked here. */
final class SpecExperiments {
    private SpecExperiments() {
    }

    /**
     * @param spec    the experiment file's content
     * @param baseDir the folder relative paths in it are resolved against (the file's)
     * @param name    the experiment's name when the file gives none
     */
    static Experiment of(ExperimentSpec spec, Path baseDir, String name) {
        Experiment x = Experiment.builder().name(spec.name() != null ? spec.name() : name);
        if (spec.models() == null || spec.models().isEmpty()) {
            throw new IllegalArgumentException("models: name at least one model");
        }
        for (ExperimentSpec.ModelSpec m : spec.models()) {
            if (m.path() == null) {
                throw new IllegalArgumentException("models: every model needs a path (an HF folder, .bin, .gguf, or stories260K)");
            }
            String modelName = m.name() != null ? m.name() : Path.of(m.path()).getFileName().toString();
            x.model(modelName, () -> m.path().equals("stories260K") ? Models.stories260K()
                    : Models.load(baseDir.resolve(m.path()), m.tokenizer() == null ? null : baseDir.resolve(m.tokenizer())));
        }
        ExperimentSpec.DataSpec data = spec.data();
        if (data == null || data.forget() == null) {
            throw new IllegalArgumentException("data.forget: say what to forget (a dataset or a file)");
        }
        TrainingSets.Builder sets = new TrainingSets.Builder();
        addForget(sets, data.forget(), baseDir);
        if (data.retain() != null) {
            addRetain(sets, data.retain(), baseDir);
        }
        TrainingSets all = sets.build();
        x.forget(all.forget(), limit(data.forget())).retain(all.retain(), data.retain() == null ? Integer.MAX_VALUE : limit(data.retain()));
        if (data.refusalText() != null) {
            x.refusals(Refusals.fixed(data.refusalText()));
        } else if (data.refusalTokens() != null) {
            x.refusals(Refusals.generated(data.refusalTokens()));
        }
        if (spec.methods() == null || spec.methods().isEmpty()) {
            throw new IllegalArgumentException("methods: name at least one method");
        }
        for (ExperimentSpec.MethodSpec m : spec.methods()) {
            if (m.method() == null) {
                throw new IllegalArgumentException("methods: every entry needs 'method' (mubench unlearn --list)");
            }
            x.method(m.label() != null ? m.label() : m.method(), m.method(), m.params() == null ? Map.of() : m.params(),
                    m.training() == null ? Map.of() : m.training());
        }
        x.training(spec.training() == null ? Map.of() : spec.training());
        ExperimentSpec.EvaluationSpec e = spec.evaluation();
        if (e == null || (e.suite() == null && (e.tasks() == null || e.tasks().isEmpty()))) {
            throw new IllegalArgumentException("evaluation: give a suite or tasks");
        }
        List<Task> tasks = new ArrayList<>();
        if (e.suite() != null) {
            Path file = baseDir.resolve(e.suite());
            tasks.addAll(Tasks.suite(Files.isRegularFile(file) ? file.toString() : e.suite()));
        }
        if (e.tasks() != null) {
            e.tasks().forEach(t -> tasks.add(Tasks.parse(t, baseDir)));
        }
        x.tasks(tasks);
        if (e.judges() != null) {
            x.judges(judges(e.judges(), baseDir));
        }
        if (e.limit() != null) {
            x.limit(e.limit());
        }
        if (e.batchSize() != null) {
            x.batchSize(e.batchSize());
        }
        x.seeds(spec.seeds() == null || spec.seeds().isEmpty() ? List.of(0L) : spec.seeds());
        if (spec.out() != null) {
            x.outputDir(baseDir.resolve(spec.out()));
        }
        return x;
    }

    private static int limit(ExperimentSpec.SourceSpec s) {
        return s.limit() == null ? Integer.MAX_VALUE : s.limit();
    }

    private static void addForget(TrainingSets.Builder sets, ExperimentSpec.SourceSpec s, Path baseDir) {
        if (s.file() != null) {
            sets.forgetPairs(UnlearnJsonl.read(baseDir.resolve(s.file())));
            return;
        }
        Dataset<? extends Item> d = dataset("data.forget", s);
        if (!(d.items().isEmpty() || d.items().get(0) instanceof HarmfulPrompt)) {
            throw new IllegalArgumentException("data.forget: dataset '" + s.dataset() + "' holds no harmful prompts");
        }
        @SuppressWarnings("unchecked")
        Dataset<HarmfulPrompt> harmful = (Dataset<HarmfulPrompt>) d;
        sets.forget(harmful);
    }

    @SuppressWarnings("unchecked")
    private static void addRetain(TrainingSets.Builder sets, ExperimentSpec.SourceSpec s, Path baseDir) {
        if (s.file() != null) {
            sets.retainPairs(UnlearnJsonl.read(baseDir.resolve(s.file())));
            return;
        }
        Dataset<? extends Item> d = dataset("data.retain", s);
        Class<? extends Item> type = Datasets.entry(s.dataset()).type();
        if (type == MathProblem.class) {
            sets.retain((Dataset<MathProblem>) d);
        } else if (type == MultipleChoice.class) {
            sets.retainAnswers((Dataset<MultipleChoice>) d);
        } else {
            throw new IllegalArgumentException("data.retain: dataset '" + s.dataset() + "' is not a retain source; "
                    + "use math problems (gsm8k), multiple choice (truthfulqa_mc1, arc_challenge, mmlu) or a file");
        }
    }

    private static Dataset<? extends Item> dataset(String where, ExperimentSpec.SourceSpec s) {
        if (s.dataset() == null) {
            throw new IllegalArgumentException(where + ": give a dataset or a file");
        }
        var entry = Datasets.entry(s.dataset());
        return Datasets.load(s.dataset(), s.split() != null ? s.split() : entry.splits().get(0), entry.type());
    }

    private static List<Judge> judges(List<ExperimentSpec.JudgeSpec> specs, Path baseDir) {
        Map<String, JudgeModel> models = new HashMap<>();
        List<Judge> out = new ArrayList<>();
        for (ExperimentSpec.JudgeSpec j : specs) {
            JudgeModel model = j.model() == null ? null : models.computeIfAbsent(j.model(), where -> Judges.model(where, baseDir));
            out.add(Judges.entry(j.name()).create(j.settings(), model));
        }
        return out;
    }
}
