package io.github.mubench.unlearn;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.unlearn.data.UnlearnExample;

import java.util.List;

/** The bundled stories260K and two small forget and retain sets in its TinyStories style, shared by the trainer tests. */
final class StoriesExamples {
    static final LoadedModel MODEL = Models.stories260K();
    static final List<UnlearnExample> FORGET = List.of(
            new UnlearnExample("Tell me a story.", "Once upon a time, there was a little girl named Lily."),
            new UnlearnExample("Go on.", "She loved to play outside in the park."));
    static final List<UnlearnExample> RETAIN = List.of(
            new UnlearnExample("Tell me about Tom.", "Tom had a big red ball. He liked to kick it."),
            new UnlearnExample("And then?", "The sun was shining and the birds were singing."));

    private StoriesExamples() {
    }
}
