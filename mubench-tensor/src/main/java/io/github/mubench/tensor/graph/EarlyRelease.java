package io.github.mubench.tensor.graph;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Frees each intermediate of a gradient computation as soon as the last op that reads it has run. SameDiff M2.1
 * keeps all of them until the computation ends (1.7 GB on the 56M model at B 4 × T 128), where PyTorch's autograd
 * frees a saved activation once its backward has used it.
 * <p>
 * Safety: memory is freed per native allocation, only when every value living in it is dead. A value is dead when
 * all ops reading it have run and it is not a result the caller asked for; values in the memory of a parameter, a
 * constant or a fed placeholder never die, so views and aliases (a reshaped gain, an identity) keep what they share.
 * Ops that never run (not needed for the results) leave their inputs alive until the computation ends, when
 * {@link #end} frees every value still live that is not a result.
 * <p>
 * M2.1 holds every intermediate because it turns its session's array cache off for gradient functions, so the
 * session itself never releases one. This listener assumes every op runs at most once per computation (no control
 * flow; the constructor refuses graphs with any) and one computation at a time (not thread-safe).
 */
final class EarlyRelease extends BaseListener {
    private final SameDiff graph;
    /** For each value an op produces: how many distinct ops read it. */
    private final Map<String, Integer> readers = new HashMap<>();
    private boolean armed;
    private final Set<String> kept = new HashSet<>();
    private final Set<Long> pinned = new HashSet<>();
    /** Native allocation → names of the live values in it. */
    private final Map<Long, Set<String>> liveIn = new HashMap<>();
    private final Map<String, Long> allocationOf = new HashMap<>();
    private final Map<Long, DataBuffer> buffers = new HashMap<>();
    private final Map<String, Integer> unread = new HashMap<>();
    private long freedBytes;

    /** Watches {@code graph}, the gradient function a {@link LlamaGraph} runs. */
    EarlyRelease(SameDiff graph) {
        this.graph = graph;
        for (SameDiffOp op : graph.getOps().values()) {
            if (CONTROL_FLOW.contains(op.getOp().opName())) {
                throw new IllegalArgumentException("early release needs each op to run once; the graph has " + op.getName());
            }
            if (op.getInputsToOp() != null) {
                for (String input : new LinkedHashSet<>(op.getInputsToOp())) {
                    readers.merge(input, 1, Integer::sum);
                }
            }
        }
    }

    private static final Set<String> CONTROL_FLOW = Set.of("enter", "exit", "next_iteration", "switch", "merge", "loop_cond");

    /** Arms it for one computation that returns {@code results} and is fed {@code feed}. */
    void begin(Collection<String> results, Collection<INDArray> feed) {
        end();
        kept.addAll(results);
        for (SDVariable v : graph.variables()) {
            VariableType t = v.getVariableType();
            if ((t == VariableType.VARIABLE || t == VariableType.CONSTANT) && v.getArr() != null) {
                pinned.add(allocation(v.getArr().data()));
            }
        }
        feed.forEach(a -> pinned.add(allocation(a.data())));
        unread.putAll(readers);
        freedBytes = 0;
        armed = true;
    }

    /**
     * Frees every value of the computation that is still live and is not a result (the computation is over: its
     * values are dead even where an op that reads them did not run), then disarms it and forgets them.
     */
    void end() {
        if (armed) {
            for (var e : liveIn.entrySet()) {
                if (!pinned.contains(e.getKey()) && e.getValue().stream().noneMatch(kept::contains)) {
                    free(buffers.get(e.getKey()));
                }
            }
        }
        armed = false;
        kept.clear();
        pinned.clear();
        liveIn.clear();
        allocationOf.clear();
        buffers.clear();
        unread.clear();
    }

    /** Bytes freed in the computation last begun: early, and (once it has ended) at its end. */
    long freedBytes() {
        return freedBytes;
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext context, INDArray[] outputs) {
        if (!armed || sd != graph) {
            return;
        }
        for (int i = 0; i < outputs.length && i < op.getOutputsOfOp().size(); i++) {
            if (outputs[i] == null || outputs[i].isEmpty()) {
                continue;
            }
            String name = op.getOutputsOfOp().get(i);
            DataBuffer root = root(outputs[i].data());
            long key = root.addressPointer().address();
            buffers.put(key, root);
            allocationOf.put(name, key);
            liveIn.computeIfAbsent(key, k -> new HashSet<>()).add(name);
        }
        if (op.getInputsToOp() == null) {
            return;
        }
        for (String input : new LinkedHashSet<>(op.getInputsToOp())) {
            Integer left = unread.computeIfPresent(input, (k, n) -> n - 1);
            if (left != null && left == 0 && !kept.contains(input)) {
                release(input);
            }
        }
    }

    private void release(String name) {
        Long key = allocationOf.remove(name);
        if (key == null) {
            return;
        }
        Set<String> live = liveIn.get(key);
        live.remove(name);
        if (live.isEmpty() && !pinned.contains(key)) {
            liveIn.remove(key);
            free(buffers.remove(key));
        }
    }

    private void free(DataBuffer buffer) {
        if (buffer.closeable() && !buffer.wasClosed()) {
            freedBytes += buffer.length() * buffer.getElementSize();
            buffer.close();
        }
    }

    /** The native allocation {@code data} lies in (views and wrappers resolved to their root buffer). */
    static long allocation(DataBuffer data) {
        return root(data).addressPointer().address();
    }

    private static DataBuffer root(DataBuffer data) {
        DataBuffer original = data.originalDataBuffer();
        if (original != null && original != data) {
            return root(original);
        }
        DataBuffer underlying = data.underlyingDataBuffer();
        return underlying != null && underlying != data ? root(underlying) : data;
    }
}
