package io.github.mubench.experiment;

import io.github.mubench.tensor.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Experiment files: YAML and JSON alike, sweeps expand, and a mistake is an error that says where it is. */
class ExperimentSpecTest {
    @TempDir
    Path dir;

    private static final String YAML = """
            name: sweep
            models:
              - {name: tiny, path: stories260K}
            data:
              forget: {dataset: advbench, limit: 10}
            methods:
              - {method: npo, params: {beta: [0.05, 0.1]}, training: {lr: [1e-5, 5e-5]}}
              - {method: ga, label: GA}
            evaluation:
              tasks: [xstest]
              judges: [keyword, {name: phrase, settings: {phrases: "Sure, here"}}]
            seeds: [0, 1]
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void yamlAndJsonSayTheSame() throws IOException {
        ExperimentSpec yaml = ExperimentSpec.read(write("x.yaml", YAML));
        ExperimentSpec json = ExperimentSpec.read(write("x.json", """
                {"name": "sweep", "models": [{"name": "tiny", "path": "stories260K"}],
                 "data": {"forget": {"dataset": "advbench", "limit": 10}},
                 "methods": [{"method": "npo", "params": {"beta": [0.05, 0.1]}, "training": {"lr": [1e-5, 5e-5]}},
                             {"method": "ga", "label": "GA"}],
                 "evaluation": {"tasks": ["xstest"], "judges": ["keyword", {"name": "phrase", "settings": {"phrases": "Sure, here"}}]},
                 "seeds": [0, 1]}
                """));
        assertEquals(yaml, json);
        assertEquals(new ExperimentSpec.JudgeSpec("phrase", null, Map.of("phrases", "Sure, here")), yaml.evaluation().judges().get(1));
        assertEquals(List.of(0L, 1L), yaml.seeds());
    }

    @Test
    void listsSweepEveryCombinationForEverySeed() throws IOException {
        List<Setting> settings = Experiment.fromFile(write("x.yaml", YAML)).settings();
        assertEquals(2 * 2 * 2 + 2, settings.size(), "NPO: 2 betas x 2 lrs x 2 seeds; GA: 2 seeds");
        assertEquals(List.of("npo (beta=0.05, lr=0.00001)", "npo (beta=0.05, lr=0.00005)", "npo (beta=0.1, lr=0.00001)", "npo (beta=0.1, lr=0.00005)", "GA"),
                settings.stream().map(Setting::group).distinct().toList());
    }

    @Test
    void anUnknownKeyIsNamedWithItsPlaceAndTheKnownKeys() throws IOException {
        Path f = write("x.yaml", YAML.replace("params: {beta", "parms: {beta"));
        FormatException e = assertThrows(FormatException.class, () -> ExperimentSpec.read(f));
        String m = e.getMessage();
        assertTrue(m.contains("x.yaml") && m.contains("unknown key 'parms'") && m.contains("line 7") && m.contains("methods[0]")
                && m.contains("known here: label, method, params, training"), m);

        Path top = write("y.yaml", YAML + "sedes: [3]\n");
        String m2 = assertThrows(FormatException.class, () -> ExperimentSpec.read(top)).getMessage();
        assertTrue(m2.contains("unknown key 'sedes'") && m2.contains("line 14") && m2.contains("seeds"), m2);
    }

    @Test
    void aWrongValueNamesItsField() throws IOException {
        Path f = write("x.yaml", YAML.replace("seeds: [0, 1]", "seeds: [zero]"));
        String m = assertThrows(FormatException.class, () -> ExperimentSpec.read(f)).getMessage();
        assertTrue(m.contains("seeds[0]") && m.contains("zero"), m);

        Path broken = write("b.yaml", "models: [{name: a\n");
        String m2 = assertThrows(FormatException.class, () -> ExperimentSpec.read(broken)).getMessage();
        assertTrue(m2.contains("b.yaml") && m2.contains("line"), m2);
        Path empty = write("e.yaml", "");
        String m3 = assertThrows(FormatException.class, () -> ExperimentSpec.read(empty)).getMessage();
        assertTrue(m3.contains("is empty"), m3);
    }

    @Test
    void whatTheFileNamesIsCheckedBeforeAnyWork() throws IOException {
        Path f = write("x.yaml", YAML.replace("beta: [0.05, 0.1]", "betta: [0.05, 0.1]"));
        Experiment x = Experiment.fromFile(f).outputDir(dir.resolve("out"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, x::run);
        assertTrue(e.getMessage().contains("betta"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("out")), "nothing written");
    }

    @Test
    void twoSettingsUnderOneLabelAreRefusedNotPooledAsSeeds() throws IOException {
        Path f = write("x.yaml", YAML.replace("  - {method: npo, params: {beta: [0.05, 0.1]}, training: {lr: [1e-5, 5e-5]}}",
                "  - {method: npo, params: {beta: 0.1}}").replace("  - {method: ga, label: GA}", "  - {method: npo, params: {beta: 0.5}}"));
        Experiment x = Experiment.fromFile(f).outputDir(dir.resolve("out"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, x::run);
        assertTrue(e.getMessage().contains("both labelled"), e.getMessage());
    }

    /** Found by a long {@code ExperimentFileFuzzTest} run: an empty value ({@code lr:}) was a NullPointerException. */
    @Test
    void anEmptySettingValueIsANamedError() throws IOException {
        Path f = write("x.yaml", YAML.replace("training: {lr: [1e-5, 5e-5]}", "training: {lr: }"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.fromFile(f).settings());
        assertTrue(e.getMessage().contains("'lr' is empty"), e.getMessage());
    }
}
