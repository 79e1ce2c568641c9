import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one module as a sorted, human-readable listing, checked against the listing
 * committed beside the module's pom: a change to a public or protected signature fails the build
 * until the listing is updated in the same commit.
 *
 * <p>Run by the build (see the parent pom) as a single-file program of the JDK:
 * {@code java scripts/ApiListing.java <classes dir> <listing file> <check|update>}. The API is the
 * public and protected types, with their public and protected members, of the packages the module
 * exports to everyone: those its {@code module-info.class} exports without {@code to} (a module
 * without one: every package not named {@code internal}). Anonymous and local classes are not API.
 * Member order does not count; javap prints each signature.
 *
 * <p>A module with a descriptor may not have a public top-level type in a package it does not export
 * at all (neither to everyone nor to named modules): such a type is API by accident. The check fails
 * on one, naming it, in both modes.
 */
public final class ApiListing {

  private ApiListing() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3 || !List.of("check", "update").contains(args[2])) {
      System.err.println("usage: java ApiListing.java <classes dir> <listing file> <check|update>");
      System.exit(2);
    }
    Path classes = Path.of(args[0]);
    Path listingFile = Path.of(args[1]);
    List<String> stray = publicInUnexportedPackages(classes);
    if (!stray.isEmpty()) {
      System.err.println("[api] Public types in packages that " + classes + "/module-info.class does not export:");
      stray.forEach(type -> System.err.println("[api]   " + type));
      System.err.println("[api] Make them package-private, or export their package (to the modules that need it).");
      System.exit(1);
    }
    String listing = listing(classes);
    if (args[2].equals("update")) {
      Files.writeString(listingFile, listing, StandardCharsets.UTF_8);
      System.out.println("[api] wrote " + listingFile);
      return;
    }
    String committed = Files.exists(listingFile) ? Files.readString(listingFile, StandardCharsets.UTF_8) : "";
    if (committed.equals(listing)) {
      System.out.println("[api] " + listingFile.getFileName() + " matches the public API of " + classes);
      return;
    }
    System.err.println("[api] The public API differs from " + listingFile + " (- committed, + now):");
    difference(committed, listing).forEach(line -> System.err.println("[api]   " + line));
    System.err.println("[api] If the change is meant, run ./mvnw verify -Dregistrykit.api.update=true (or the module's "
        + "build with it) and commit the listing with the change; name renamed or removed API in CHANGELOG.md.");
    System.exit(1);
  }

  /** The listing of every public type under {@code classes} in a package exported to everyone. */
  static String listing(Path classes) throws IOException {
    Optional<Set<String>> exported = descriptor(classes).map(module -> module.exports().stream()
        .filter(export -> !export.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toUnmodifiableSet()));
    List<String> names = classNames(classes).stream()
        .filter(name -> exported.map(packages -> packages.contains(packageOf(name)))
            .orElseGet(() -> !List.of(packageOf(name).split("\\.")).contains("internal")))
        .filter(name -> !name.matches(".*\\$\\d.*")) // anonymous and local classes
        .toList();
    if (names.isEmpty()) {
      return "";
    }
    Map<String, String> declarations = new TreeMap<>(); // by type name
    Map<String, TreeSet<String>> types = new TreeMap<>();
    javapTypes("-protected", classes, names).forEach((declaration, members) -> {
      if (declaration.startsWith("public ") || declaration.startsWith("protected ")) {
        declarations.put(typeName(declaration), declaration);
        types.put(typeName(declaration), new TreeSet<>(members));
      }
    });
    StringBuilder listing = new StringBuilder();
    types.forEach((name, members) -> {
      listing.append(declarations.get(name)).append('\n');
      members.forEach(member -> listing.append("  ").append(member).append('\n'));
    });
    return listing.toString();
  }

  /**
   * The public top-level types under {@code classes} in packages its {@code module-info.class} does
   * not export to anyone; empty without a descriptor.
   */
  static List<String> publicInUnexportedPackages(Path classes) throws IOException {
    Optional<ModuleDescriptor> module = descriptor(classes);
    if (module.isEmpty()) {
      return List.of();
    }
    Set<String> exported = module.get().exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toUnmodifiableSet());
    List<String> candidates = classNames(classes).stream()
        .filter(name -> !name.contains("$") && !exported.contains(packageOf(name)))
        .toList();
    if (candidates.isEmpty()) {
      return List.of();
    }
    return javapTypes("-public", classes, candidates).keySet().stream()
        .filter(declaration -> declaration.startsWith("public "))
        .map(ApiListing::typeName)
        .toList();
  }

  /** The module descriptor {@code classes/module-info.class}, if there is one. */
  private static Optional<ModuleDescriptor> descriptor(Path classes) throws IOException {
    Path descriptor = classes.resolve("module-info.class");
    if (!Files.exists(descriptor)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(descriptor)) {
      return Optional.of(ModuleDescriptor.read(in));
    }
  }

  /** The binary names of the classes under {@code classes}, without {@code module-info} and {@code package-info}. */
  private static List<String> classNames(Path classes) throws IOException {
    if (!Files.isDirectory(classes)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(classes)) {
      return files.map(file -> classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "."))
          .filter(name -> name.endsWith(".class"))
          .map(name -> name.substring(0, name.length() - ".class".length()))
          .filter(name -> !name.endsWith("module-info") && !name.endsWith("package-info"))
          .sorted().toList();
    }
  }

  private static String packageOf(String name) {
    return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
  }

  /**
   * What javap with {@code visibility} ({@code -public}, {@code -protected}) prints of {@code names}:
   * each type's declaration (without its brace) with the member lines under it, in javap's order.
   */
  private static Map<String, List<String>> javapTypes(String visibility, Path classes, List<String> names) {
    ToolProvider javap = ToolProvider.findFirst("javap")
        .orElseThrow(() -> new IllegalStateException("javap is not in this JDK: run the build on a JDK, not a JRE"));
    List<String> args = new ArrayList<>(List.of(visibility, "-cp", classes.toString()));
    args.addAll(names);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = javap.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("javap failed (" + status + "): " + err);
    }
    Map<String, List<String>> types = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : out.toString().split("\\R")) {
      if (line.startsWith("Compiled from") || line.isBlank()) {
        continue;
      }
      if (line.equals("}")) {
        current = null;
      } else if (current == null) { // a type's declaration
        current = new ArrayList<>();
        types.put(line.endsWith("{") ? line.substring(0, line.length() - 1).trim() : line.trim(), current);
      } else {
        current.add(line.trim());
      }
    }
    return types;
  }

  /** {@code dev.registrykit.Registry} of {@code public interface dev.registrykit.Registry extends ...}. */
  private static String typeName(String declaration) {
    String[] words = declaration.split(" ");
    for (int i = 0; i < words.length - 1; i++) {
      if (List.of("class", "interface", "enum", "record", "@interface").contains(words[i])) {
        return words[i + 1].replaceAll("<.*", "");
      }
    }
    throw new IllegalStateException("not a type declaration: " + declaration);
  }

  /** The lines only in {@code before} (-) and only in {@code after} (+), members named with their type. */
  static List<String> difference(String before, String after) {
    List<String> old = qualified(before);
    List<String> now = qualified(after);
    List<String> lines = new ArrayList<>();
    old.stream().filter(line -> !now.contains(line)).forEach(line -> lines.add("- " + line));
    now.stream().filter(line -> !old.contains(line)).forEach(line -> lines.add("+ " + line));
    return lines;
  }

  /** Each line of a listing, a member's prefixed with its type's name: {@code dev.registrykit.Registry: ...}. */
  private static List<String> qualified(String listing) {
    List<String> lines = new ArrayList<>();
    String type = "";
    for (String line : listing.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("  ")) {
        lines.add(type + ": " + line.trim());
      } else {
        type = typeName(line);
        lines.add(line);
      }
    }
    return lines;
  }
}
