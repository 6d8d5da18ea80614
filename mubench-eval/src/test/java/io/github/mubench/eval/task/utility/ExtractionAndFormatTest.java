package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MathProblem;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.tensor.param.Parameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed cases of the task formats and answer extraction, following lm-evaluation-harness. */
class ExtractionAndFormatTest {
    private static Gsm8k gsm8k(boolean cot) {
        return new Gsm8k(Parameters.create(Gsm8k.Settings.class, Map.of("cot", String.valueOf(cot)), "test"));
    }

    @Test
    void gsm8kStrictAndFlexibleExtraction() {
        Gsm8k plain = gsm8k(false), cot = gsm8k(true);
        assertEquals("1,234", plain.strict("She pays 1,000 + 234 = 1,234.\n#### 1,234"));
        assertEquals("[invalid]", plain.strict("The answer is 7."));
        assertEquals("7.", cot.strict("Some steps. The answer is 7.."), "the trailing '.' of lm-eval's pattern is any character");
        assertEquals("7", cot.strict("So 3 + 4 = 7. The answer is 7. Q:").replaceAll("\\.$", ""));
        assertEquals("$18", Gsm8k.flexible("She makes 9 * 2 = $18 every day"), "the last number, with its dollar sign");
        assertEquals("5", Gsm8k.flexible("5 apples"), "single digits by the second pattern");
        assertEquals("[invalid]", Gsm8k.flexible("no numbers here"));
        assertEquals("18", Gsm8k.normalise("$18."), "lm-eval's regexes_to_ignore: ',', '$', everything up to '#### ', a trailing '.'");
        assertEquals("1234", Gsm8k.normalise("reasoning... #### 1,234"));
    }

    @Test
    void gsm8kScoresAgainstTheGoldAnswer() {
        MathProblem p = Datasets.load("gsm8k", MathProblem.class).items().get(0); // Janet's ducks: 18
        Gsm8k task = gsm8k(false);
        var right = task.score(Doc.of(p), List.of(new Response("9 * 2 = $18\n#### 18", Double.NaN, false, 9, false, 0)), Map.of(), List.of());
        assertEquals(Map.of("exact_match_strict", 1.0, "exact_match_flexible", 1.0), right.values());
        var loose = task.score(Doc.of(p), List.of(new Response("She makes $18.", Double.NaN, false, 4, false, 0)), Map.of(), List.of());
        assertEquals(Map.of("exact_match_strict", 0.0, "exact_match_flexible", 1.0), loose.values());
        Request.Generate g = (Request.Generate) task.requests(Doc.of(p)).get(0);
        assertEquals(List.of("Question:", "</s>", "<|im_end|>"), g.until());
        String prompt = g.prompt().text();
        assertTrue(prompt.startsWith("Question: Natalia sold clips to 48 of her friends in April")
                && prompt.endsWith("\n\nQuestion: " + p.question() + "\nAnswer:"), prompt.substring(0, 80));
        String cotPrompt = ((Request.Generate) gsm8k(true).requests(Doc.of(p)).get(0)).prompt().text();
        assertTrue(cotPrompt.startsWith("Q: There are 15 trees in the grove.") && cotPrompt.endsWith("The answer is 8.\n\nQ: " + p.question() + "\nA:"));
    }

    @Test
    void mmluLetterScoringFormat() {
        MultipleChoice q = Datasets.load("mmlu", "test", MultipleChoice.class).items().stream()
                .filter(x -> x.subject().equals("abstract_algebra")).findFirst().orElseThrow();
        Mmlu task = new Mmlu(Parameters.create(Mmlu.Settings.class, Map.of("shots", "0"), "test"));
        assertEquals("The following are multiple choice questions (with answers) about abstract algebra.\n\n" + q.question().strip()
                + "\nA. " + q.choices().get(0) + "\nB. " + q.choices().get(1) + "\nC. " + q.choices().get(2) + "\nD. " + q.choices().get(3)
                + "\nAnswer:", task.context(q));
        List<Request> r = task.requests(Doc.of(q));
        assertEquals(List.of(" A", " B", " C", " D"), r.stream().map(x -> ((Request.Loglikelihood) x).continuation()).toList());
        assertEquals(Map.of("acc", 1.0), task.values(q, gold(q.gold(), 4)));
        Mmlu chat = new Mmlu(Parameters.create(Mmlu.Settings.class, Map.of("shots", "0", "chat", "true"), "test"));
        assertEquals(List.of("A", "B", "C", "D"), chat.requests(Doc.of(q)).stream().map(x -> ((Request.Loglikelihood) x).continuation()).toList(),
                "through the chat template the harness sets the target delimiter to nothing");
    }

    private static double[] gold(int index, int n) {
        double[] ll = new double[n];
        java.util.Arrays.fill(ll, -5);
        ll[index] = -1;
        return ll;
    }

    @Test
    void truthfulQaMc2IsTheNormalisedMassOfTrueAnswers() {
        MultipleChoice q = new MultipleChoice("t", null, "Q?", List.of("a", "b", "c"), List.of(0, 1));
        TruthfulQa mc2 = new TruthfulQa(Parameters.create(TruthfulQa.Settings.class, Map.of("mc", "2"), "test"));
        double[] ll = {Math.log(0.2), Math.log(0.1), Math.log(0.1)};
        assertEquals(0.3 / 0.4, mc2.values(q, ll).get("mc2"), 1e-12);
        double[] longAnswers = {-2000, -2001, -2000}; // exp underflows to 0 for each: the mass must still come out
        assertEquals(1 / (1 + Math.exp(-1) + 1) + Math.exp(-1) / (2 + Math.exp(-1)), mc2.values(q, longAnswers).get("mc2"), 1e-12);
        assertTrue(mc2.context(q).endsWith("The 1992 Olympics were held in Barcelona, Spain.\n\nQ: Q?\nA:"));
    }

    @Test
    void wikitextDetokenizerAndCounts() {
        // expected strings: the harness's wikitext_detokenizer run in Python on the same input
        assertEquals(" The 1,000-year-old (great) hall: it's \"fine\". == Title ==\n",
                WikiText.detokenize(" The 1 @,@ 000 @-@ year @-@ old ( great ) hall : it 's \" fine \" . = = Title = = \n"));
        assertEquals(" In 1999, the 3.5 m (11 ft) statue's base; [see 5] was at 20\u00b0C. 1 words .\n",
                WikiText.detokenize(" In 1999 , the 3 @.@ 5 m ( 11 ft ) statue 's base ; [ see 5 ] was at 20 \u00b0 C . N words .\n"));
        assertEquals(4, WikiText.words(" a b\tc"), "Python's re.split counts the empty leading piece");
        assertEquals(3, WikiText.words("a b\u00a0c"), "Unicode whitespace splits, as in Python 3");
    }

    @Test
    void hellaswagFileFormatAsTheHarnessPreprocessesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("hs.jsonl");
        java.nio.file.Files.writeString(file, "{\"activity_label\": \"Baking cookies\", \"ctx_a\": \"A woman puts dough on a tray.\", "
                + "\"ctx_b\": \"she\", \"endings\": [\"puts the tray in the oven [title] Wait.\", \"eats it [step] now\", \"sings\", \"runs\"], \"label\": 0}\n");
        HellaSwag task = new HellaSwag(Parameters.create(HellaSwag.Settings.class, Map.of("path", file.toString()), "test"));
        List<Doc> docs = task.docs(new io.github.mubench.eval.task.TaskContext(100, 0, null));
        List<Request> requests = task.requests(docs.get(0));
        // lm-eval: preprocess(activity_label + ": " + ctx_a + " " + ctx_b.capitalize()), " " + preprocess(ending)
        Request.Loglikelihood first = (Request.Loglikelihood) requests.get(0);
        assertEquals("Baking cookies: A woman puts dough on a tray. She", first.context().text());
        assertEquals(" puts the tray in the oven. Wait.", first.continuation());
        assertEquals(" eats it now", ((Request.Loglikelihood) requests.get(1)).continuation());
        assertEquals(4, requests.size());
        // acc_norm divides by the option's characters (32 vs 11): -12/32 beats -10/11, so only acc_norm picks the gold option
        var values = task.values((MultipleChoice) docs.get(0).item(), new double[]{-12, -10, -40, -40});
        assertEquals(Map.of("acc", 0.0, "acc_norm", 1.0), values);
    }

    @Test
    void passagePerplexityScoresTheTextAsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("stories.txt");
        java.nio.file.Files.writeString(file, "Tom had a red ball .\n\nSue ran home.\n");
        FilePerplexity task = new FilePerplexity(Parameters.create(FilePerplexity.Settings.class, Map.of("path", file.toString()), "test"));
        List<Doc> docs = task.docs(new io.github.mubench.eval.task.TaskContext(100, 0, null));
        assertEquals(2, docs.size());
        assertEquals("Tom had a red ball .", ((Request.Rolling) task.requests(docs.get(0)).get(0)).text(), "no WikiText detokenizing");
        var s = task.score(docs.get(1), List.of(new Response(null, -6.0, false, 4, false, 0)), Map.of(), List.of());
        var m = task.metrics(List.of(s), 0);
        assertEquals(Math.exp(6.0 / 3), m.get("word_perplexity").value(), 1e-12); // "Sue ran home." is 3 words
        assertEquals(6.0 / 13 / Math.log(2), m.get("bits_per_byte").value(), 1e-12); // and 13 bytes
        assertThrows(IllegalArgumentException.class, () -> Parameters.create(FilePerplexity.Settings.class, Map.of(), "test"));
    }
}
