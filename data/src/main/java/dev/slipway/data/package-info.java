/**
 * DVC-compatible data versioning: the files and cache of a DVC 3 repository, byte for byte.
 *
 * <ul>
 *   <li>{@link dev.slipway.data.FileHasher} hashes one file (DVC 3 raw-bytes MD5, or DVC 2's
 *       legacy dos2unix rule for entries without {@code hash: md5});</li>
 *   <li>{@link dev.slipway.data.WorkspaceHasher} walks folders as DVC does and hashes files in
 *       parallel, skipping those the {@link dev.slipway.data.StateCache} knows;</li>
 *   <li>{@link dev.slipway.data.DirectoryListing} is a {@code .dir} object (Python
 *       {@code json.dumps} bytes, code-point order);</li>
 *   <li>{@link dev.slipway.data.DvcFile} reads and writes {@code .dvc} pointer files;</li>
 *   <li>{@link dev.slipway.data.LocalCache} stores, verifies and links objects in
 *       {@code .dvc/cache};</li>
 *   <li>{@link dev.slipway.data.Remote} is a store in DVC's remote layout:
 *       {@link dev.slipway.data.LocalRemote} (a folder) and {@link dev.slipway.data.S3Remote} (S3 or
 *       any S3-compatible endpoint), opened from {@code .dvc/config} by
 *       {@link dev.slipway.data.Remotes};</li>
 *   <li>{@link dev.slipway.data.Transfers} pushes and fetches only the missing objects, in parallel,
 *       {@code .dir} last on upload, every download verified;</li>
 *   <li>{@link dev.slipway.data.Repository} ties them into {@code init}, {@code add},
 *       {@code status}, {@code checkout}, {@code commit}, {@code push}, {@code fetch}, {@code pull}
 *       and {@code gc}.</li>
 * </ul>
 */
package dev.slipway.data;
