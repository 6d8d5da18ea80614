package io.github.mubench.eval.attack;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;

import java.util.Arrays;
import java.util.List;

/**
 * A request laid out in the target's chat format around an adversarial part, as token ids:
 * {@code before | adversarial | after | target}. The adversarial part is where GCG's suffix goes; the target is the
 * affirmative answer whose likelihood white-box attacks raise.
 *
 * @param before ids up to the adversarial part (special tokens included)
 * @param after  ids from the adversarial part to where the answer starts
 * @param target ids of the affirmative answer
 */
record TargetPrompt(int[] before, int[] after, int[] target) {
    private static final String MARK = "\u0000ADV\u0000";

    /** The chat rendering of a user turn {@code userText} (which holds {@code adversarial} once), cut around it. */
    static TargetPrompt of(LoadedModel model, String userText, String adversarial, String target) {
        boolean plain = model.chatTemplate().isPlain();
        String rendered = model.chatTemplate().render(List.of(ChatMessage.user(userText.replace(adversarial, MARK))), true);
        int at = rendered.indexOf(MARK);
        if (at < 0) {
            throw new IllegalStateException("the chat template dropped the user's text");
        }
        String before = rendered.substring(0, at), after = rendered.substring(at + MARK.length()) + (plain ? "\n" : "");
        return new TargetPrompt(model.tokenizer().encode(before, true), model.tokenizer().encode(after, false),
                model.tokenizer().encode(target, false));
    }

    /**
     * The whole sequence as one training-graph row: inputs are all tokens but the last, labels are the next
     * tokens on the target's positions only (the loss is the target's mean NLL).
     */
    record GraphRow(int[][] tokens, boolean[][] valid, int[][] labels) {
    }

    GraphRow graphRow(int[] adversarial) {
        int[] context = context(adversarial);
        int[] ids = Arrays.copyOf(context, context.length + target.length);
        System.arraycopy(target, 0, ids, context.length, target.length);
        int t = ids.length - 1;
        int[][] tokens = {Arrays.copyOf(ids, t)}, labels = {new int[t]};
        boolean[][] valid = {new boolean[t]};
        Arrays.fill(valid[0], true);
        Arrays.fill(labels[0], -100);
        for (int i = context.length - 1; i < t; i++) {
            labels[0][i] = ids[i + 1];
        }
        return new GraphRow(tokens, valid, labels);
    }

    /** {@code before | adversarial | after}: the context the target is scored after. */
    int[] context(int[] adversarial) {
        int[] out = Arrays.copyOf(before, before.length + adversarial.length + after.length);
        System.arraycopy(adversarial, 0, out, before.length, adversarial.length);
        System.arraycopy(after, 0, out, before.length + adversarial.length, after.length);
        return out;
    }
}
